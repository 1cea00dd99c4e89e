// Small SVG charts: a line of points over time with marked spikes, and stacked bars.
const svgNS = 'http://www.w3.org/2000/svg';
const width = 720;
const height = 220;
const margin = { left: 48, right: 12, top: 34, bottom: 28 };  // room above the top point for a spike marker

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

function frame(label) {
  return s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'chart' });
}

function scales(times, low, high) {
  const first = Math.min(...times);
  const last = Math.max(...times);
  const span = last - first || 1;
  const range = high - low || 1;
  return {
    x: (t) => margin.left + ((t - first) / span) * (width - margin.left - margin.right),
    y: (v) => height - margin.bottom - ((v - low) / range) * (height - margin.top - margin.bottom),
  };
}

function axes(svg, scale, low, high, times, format) {
  for (const value of [low, (low + high) / 2, high]) {
    const y = scale.y(value);
    svg.append(s('line', { x1: margin.left, x2: width - margin.right, y1: y, y2: y, class: 'grid' }));
    svg.append(s('text', { x: margin.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, format(value)));
  }
  const label = (t) => new Date(t).toISOString().slice(5, 16).replace('T', ' ');
  svg.append(s('text', { x: margin.left, y: height - 8, class: 'tick' }, label(Math.min(...times))));
  svg.append(s('text', { x: width - margin.right, y: height - 8, 'text-anchor': 'end', class: 'tick' }, label(Math.max(...times))));
}

/**
 * A line chart of `points` ({t, value, title}); `marks` ({t, value, title}) are drawn as
 * spike markers whose <title> is their explanation (shown on hover and read by screen readers).
 */
export function lineChart(label, points, { marks = [], format = String, fixedRange } = {}) {
  const svg = frame(label);
  if (!points.length) {
    svg.append(s('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'tick' }, 'no posts in this range'));
    return svg;
  }
  const values = points.map((point) => point.value);
  const [low, high] = fixedRange || [0, Math.max(1, ...values)];
  const scale = scales(points.map((point) => point.t), low, high);
  axes(svg, scale, low, high, points.map((point) => point.t), format);
  svg.append(s('polyline', { class: 'line', points: points.map((point) => `${scale.x(point.t)},${scale.y(point.value)}`).join(' ') }));
  for (const point of points) {
    svg.append(s('circle', { class: 'point', cx: scale.x(point.t), cy: scale.y(point.value), r: 3, 'data-t': point.t, 'data-value': point.value },
      s('title', {}, point.title)));
  }
  for (const mark of marks) {
    const x = scale.x(Math.min(Math.max(mark.t, points[0].t), points[points.length - 1].t));
    const y = scale.y(Math.min(mark.value, high));
    const marker = s('g', { class: 'spike', tabindex: 0, 'data-t': mark.t },
      s('title', {}, mark.title),
      s('path', { d: `M${x},${y - 16} l-7,-12 h14 z` }),
      s('circle', { cx: x, cy: y, r: 7 }));
    svg.append(marker);
  }
  return svg;
}

/** Stacked bars per time bucket: `series` is [{name, className, values}] over `times`. */
export function stackedBars(label, times, series) {
  const svg = frame(label);
  if (!times.length) return svg;
  const totals = times.map((_, index) => series.reduce((sum, one) => sum + one.values[index], 0));
  const high = Math.max(1, ...totals);
  const scale = scales(times, 0, high);
  axes(svg, scale, 0, high, times, (value) => Math.round(value));
  const step = (width - margin.left - margin.right) / Math.max(times.length, 1);
  const barWidth = Math.max(1, step * 0.7);
  times.forEach((t, index) => {
    let base = 0;
    for (const one of series) {
      const value = one.values[index];
      if (!value) continue;
      const top = scale.y(base + value);
      svg.append(s('rect', { class: one.className, x: scale.x(t) - barWidth / 2, y: top, width: barWidth, height: scale.y(base) - top },
        s('title', {}, `${new Date(t).toISOString().slice(0, 16)}Z: ${value} ${one.name}`)));
      base += value;
    }
  });
  return svg;
}
