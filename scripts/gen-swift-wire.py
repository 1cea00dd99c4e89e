#!/usr/bin/env python3
"""Generates Sources/Wire/Generated/WireMessages.swift from proto/: for every
message and enum, its Swift declaration (a struct whose stored properties are
the fields in lowerCamelCase, or an Int32 enum whose cases are the values
without the enum's prefix, in lowerCamelCase), documented with the .proto
comments, and the conversion between each struct and the protobuf-c struct
that protoc-c generated for it.

Run by scripts/gen-proto.sh (never by hand); reads the .proto files and the
protoc-c headers; writes to stdout. Supports the proto3 subset Earshot uses:
scalars, strings, bytes, enums, messages (also nested), repeated fields of
scalars, strings and messages, and map<string, string>.
"""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1])          # repository root
headers = Path(sys.argv[2])       # folder with the protoc-c headers

SCALARS = {"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
           "sfixed32", "sfixed64", "double", "float", "bool", "string", "bytes"}


def fail(message):
    sys.exit(f"gen-swift-wire: {message}")


# --- proto parsing -----------------------------------------------------------

messages = {}   # full name -> list of fields
message_docs = {}  # full name -> doc lines
enums = {}      # full name -> list of (value name, number, doc lines)
enum_docs = {}  # full name -> doc lines
declaration_order = []  # (kind, full name) in file order, outer before inner
services = {}   # service name -> list of (method, request, response, doc lines)
service_docs = {}  # service name -> (doc lines, proto file)
source_files = {}  # full name -> proto file (relative)
package = None

FIELD = re.compile(r"(repeated\s+)?(map\s*<\s*string\s*,\s*string\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;")
ENUM_VALUE = re.compile(r"(\w+)\s*=\s*(-?\d+)\s*;")

for path in sorted((root / "proto").rglob("*.proto")):
    stack = []      # (kind, name)
    pending = []    # comment lines waiting for the next declaration
    for raw in path.read_text().splitlines():
        code, _, comment = raw.partition("//")
        code, comment = code.strip(), comment.strip()
        if not code:
            if comment or raw.strip().startswith("//"):
                pending.append(comment)
            else:
                pending = []
            continue
        doc = pending + ([comment] if comment else [])
        pending = []
        if match := re.match(r"package\s+([\w.]+)\s*;", code):
            package = match.group(1)
            continue
        if match := re.match(r"(message|enum|service)\s+(\w+)\s*\{(\s*\})?", code):
            kind, name, closed = match.group(1), match.group(2), match.group(3)
            full = ".".join([package] + [n for _, n in stack] + [name])
            if kind == "message":
                messages[full], message_docs[full] = [], doc
            elif kind == "enum":
                enums[full], enum_docs[full] = [], doc
            if kind == "service":
                services[name], service_docs[name] = [], (doc, str(path.relative_to(root)))
            else:
                declaration_order.append((kind, full))
                source_files[full] = str(path.relative_to(root))
            if not closed:
                stack.append((kind, name))
            continue
        if code == "}":
            stack.pop()
            continue
        if stack and stack[-1][0] == "service":
            if not (match := re.match(r"rpc\s+(\w+)\s*\(\s*([\w.]+)\s*\)\s*returns\s*\(\s*([\w.]+)\s*\)\s*;", code)):
                fail(f"{path}: cannot read `{code}`")
            services[stack[-1][1]].append((match.group(1), match.group(2), match.group(3), doc))
            continue
        if not stack:
            continue
        owner = ".".join([package] + [n for _, n in stack])
        if stack[-1][0] == "message" and (match := FIELD.match(code)):
            messages[owner].append({"repeated": bool(match.group(1)), "type": match.group(2).replace(" ", ""),
                                    "name": match.group(3), "doc": doc})
        elif stack[-1][0] == "enum" and (match := ENUM_VALUE.match(code)):
            enums[owner].append((match.group(1), int(match.group(2)), doc))
        else:
            fail(f"{path}: cannot read `{code}`")


def resolve(type_name, owner):
    """The full name of a message or enum type used in `owner`, as protoc resolves it."""
    scope = owner.split(".")
    while scope:
        candidate = ".".join(scope + [type_name])
        if candidate in messages or candidate in enums:
            return candidate
        scope.pop()
    fail(f"unknown type {type_name} in {owner}")


def c_type(full_name):
    """protoc-c's struct name: earshot.v1.Reference.Kind -> Earshot__V1__Reference__Kind."""
    parts = full_name.split(".")
    pkg = [p[:1].upper() + p[1:] for p in parts[:2]]
    return "__".join(pkg + parts[2:])


# --- protoc-c headers: init functions by struct name --------------------------

init_functions = {}
for header in headers.glob("*.pb-c.h"):
    for function, struct in re.findall(r"void\s+(\w+__init)\s*\(\s*(\w+)\s+\*message\)", header.read_text()):
        init_functions[struct] = function

# --- Swift names and types -------------------------------------------------------

# Swift names that differ from the proto's, and why.
RENAMED = {
    "earshot.v1.Sentiment": "PostSentiment",  # `Sentiment` is the analyser's module
    "earshot.v1.Entities": "PostEntities",    # `Entities` is the entity extractor's module
    "earshot.v1.Emotions": "PostEmotions",    # `Emotions` is the emotion classifier's module
}


def swift_name(full_name):
    """earshot.v1.Reference.Kind -> Reference.Kind (nested types stay nested)."""
    return RENAMED.get(full_name, full_name[len(package) + 1:])


SWIFT_SCALARS = {"int32": "Int32", "int64": "Int64", "uint32": "UInt32", "uint64": "UInt64",
                 "sint32": "Int32", "sint64": "Int64", "fixed32": "UInt32", "fixed64": "UInt64",
                 "sfixed32": "Int32", "sfixed64": "Int64", "double": "Double", "float": "Float",
                 "bool": "Bool", "string": "String", "bytes": "[UInt8]"}
ZERO = {"Bool": "false", "String": "\"\"", "[UInt8]": "[]"}


def enum_case(enum_full_name, value_name):
    """PLATFORM_X in enum Platform -> x; NOT_SERVING (no prefix) -> notServing."""
    prefix = re.sub(r"(?<!^)(?=[A-Z])", "_", enum_full_name.split(".")[-1]).upper() + "_"
    if all(name.startswith(prefix) for name, _, _ in enums[enum_full_name]):
        value_name = value_name[len(prefix):]
    return camel(value_name.lower())


def swift_field(field, owner):
    """The Swift type and zero value of a proto field."""
    kind = field["type"]
    if kind.startswith("map<"):
        return "[String: String]", "[:]"
    if kind in SWIFT_SCALARS:
        swift = SWIFT_SCALARS[kind]
        zero = ZERO.get(swift, "0")
    else:
        full = resolve(kind, owner)
        swift = swift_name(full)
        zero = f"{swift}()" if full in messages else f"{swift}.{enum_case(full, enums[full][0][0])}"
    return (f"[{swift}]", "[]") if field["repeated"] else (swift, zero)


def doc_comment(lines, indent, fallback):
    text = [line for line in lines if line] or [fallback]
    return [f"{indent}/// {line}" for line in text]


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# --- generation ----------------------------------------------------------------

out = ["// Generated by scripts/gen-proto.sh from proto/ and the protoc-c headers. Do not edit.",
       "// The Swift form of every proto message and enum, and the conversions between the",
       "// message structs and their protobuf-c structs. Hand-written additions (convenience",
       "// initialisers, names) live in extensions in Sources/Wire.",
       "import CProtobufC",
       "import EarshotProtoC",
       ""]


def declare(full_name, indent):
    """The Swift declaration of a message or enum, with the types nested in it."""
    name = swift_name(full_name).split(".")[-1]
    where = f"`{full_name}` ({source_files[full_name]})"
    if full_name in enums:
        lines = doc_comment(enum_docs[full_name], indent, f"The proto enum {where}.")
        lines.append(f"{indent}public enum {name}: Int32, ProtoEnum {{")
        for value_name, number, doc in enums[full_name]:
            lines += [f"{indent}    /// {line}" for line in doc if line]
            lines.append(f"{indent}    case {enum_case(full_name, value_name)} = {number}")
        return lines + [f"{indent}}}"]
    lines = doc_comment(message_docs[full_name], indent, f"The proto message {where}.")
    lines.append(f"{indent}public struct {name}: ProtoMessage, Equatable {{")
    lines.append(f"{indent}    public static let protoName = \"{full_name}\"")
    for kind, inner in declaration_order:
        if inner.rsplit(".", 1)[0] == full_name and not is_map_entry(inner):
            lines += declare(inner, indent + "    ")
    for field in messages[full_name]:
        swift, zero = swift_field(field, full_name)
        lines += [f"{indent}    /// {line}" for line in field["doc"] if line]
        lines.append(f"{indent}    public var {camel(field['name'])}: {swift} = {zero}")
    lines.append(f"{indent}    /// A message with every field at its zero value.")
    lines.append(f"{indent}    public init() {{}}")
    return lines + [f"{indent}}}"]


def is_map_entry(full_name):
    return full_name in messages and full_name.endswith("Entry") and [f["name"] for f in messages[full_name]] == ["key", "value"]


for kind, full_name in declaration_order:
    if full_name.count(".") == package.count(".") + 1 and not is_map_entry(full_name):
        out += declare(full_name, "") + [""]

for service, methods in services.items():
    doc, source = service_docs[service]
    out.append(f"/// Method names of `service {service}` ({source}), as the RPC envelope carries them.")
    if any(doc):
        out += ["///"] + [f"/// {line}" for line in doc if line]
    out.append(f"public enum {service}Method {{")
    for method, request, response, method_doc in methods:
        out += [f"    /// {line}" for line in method_doc if line]
        out.append(f"    /// `rpc {method}({request}) returns ({response})`")
        out.append(f"    public static let {method[:1].lower() + method[1:]} = \"{package}.{service}/{method}\"")
    out += ["}", ""]

for full_name in sorted(messages):
    fields = messages[full_name]
    if is_map_entry(full_name):
        continue  # map entries are written inline
    swift = swift_name(full_name)
    struct = c_type(full_name)
    if struct not in init_functions:
        fail(f"no protoc-c init function for {struct}")
    fill, read = [], []
    for field in fields:
        name, prop, kind = field["name"], camel(field["name"]), field["type"]
        slot = f"m.pointee.{name}"
        if kind.startswith("map<"):
            entry = c_type(full_name) + "__" + "".join(p[:1].upper() + p[1:] for p in name.split("_")) + "Entry"
            fill.append(f"m.pointee.n_{name} = {prop}.count")
            fill.append(f"m.pointee.{name} = arena.mapEntries({prop}, {init_functions[entry]}) {{ entry, key, value in")
            fill.append(f"    entry.pointee.key = key")
            fill.append(f"    entry.pointee.value = value")
            fill.append(f"}}")
            read.append(f"{prop} = CStructReader.map(m.pointee.{name}, m.pointee.n_{name}) {{")
            read.append(f"    (CStructReader.string($0.pointee.key), CStructReader.string($0.pointee.value))")
            read.append(f"}}")
            continue
        if kind not in SCALARS:
            kind = "enum" if resolve(kind, full_name) in enums else "message"
        if field["repeated"]:
            if kind == "enum":
                fail(f"{full_name}.{name}: repeated enums are not supported")
            helper = {"string": "strings", "message": "messages", "bytes": None}.get(kind, "scalars")
            if helper is None:
                fail(f"{full_name}.{name}: repeated bytes are not supported")
            fill.append(f"m.pointee.n_{name} = {prop}.count")
            fill.append(f"m.pointee.{name} = arena.{helper}({prop})")
            read.append(f"{prop} = CStructReader.{helper}(m.pointee.{name}, m.pointee.n_{name})")
        elif kind == "string":
            fill.append(f"if !{prop}.isEmpty {{ {slot} = arena.cString({prop}) }}")
            read.append(f"{prop} = CStructReader.string({slot})")
        elif kind == "bytes":
            fill.append(f"{slot} = arena.binary({prop})")
            read.append(f"{prop} = CStructReader.bytes({slot})")
        elif kind == "bool":
            fill.append(f"{slot} = {prop} ? 1 : 0")
            read.append(f"{prop} = {slot} != 0")
        elif kind == "enum":
            fill.append(f"{slot} = .init(rawValue: .init(truncatingIfNeeded: {prop}.rawValue))")
            read.append(f"{prop} = .init(protoValue: Int32(truncatingIfNeeded: {slot}.rawValue))")
        elif kind == "message":
            fill.append(f"{slot} = arena.messageUnlessEmpty({prop})")
            read.append(f"{prop} = CStructReader.message({slot})")
        else:
            fill.append(f"{slot} = {prop}")
            read.append(f"{prop} = {slot}")
    m_fill = "m" if fill else "_"
    m_read = "m" if read else "_"
    out += [f"extension {swift}: CStructConvertible {{",
            f"    public typealias CStruct = {struct}",
            f"    /// Immutable static data of libprotobuf-c, safe to share between threads.",
            f"    nonisolated(unsafe) public static let cDescriptor = earshot_find_message_descriptor(\"{full_name}\")!",
            f"    public static func cInit(_ message: UnsafeMutablePointer<{struct}>) {{ {init_functions[struct]}(message) }}",
            "",
            f"    public func fill(_ {m_fill}: UnsafeMutablePointer<{struct}>, arena: Arena) {{"]
    out += ["        " + line for line in fill]
    out += ["    }",
            "",
            f"    public init(cStruct {m_read}: UnsafePointer<{struct}>) {{",
            "        self.init()"]
    out += ["        " + line for line in read]
    out += ["    }", "}", ""]

print("\n".join(out), end="")
