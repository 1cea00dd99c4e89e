import EarshotRPC
import EarshotStore
import EarshotWire
import Insights

// Translation between the Listening and alert messages (listening.proto, insights.proto) and
// the store's plain Swift types, as QueryTranslation.swift does for the Query messages.

extension SavedQuery {
    init(_ saved: SavedListeningQuery) {
        self.init()
        id = saved.id
        name = saved.name
        group = saved.group
        query = saved.query
        createdAtMs = saved.createdAtMs
        updatedAtMs = saved.updatedAtMs
        backfillState = saved.backfillState
    }
}

extension QuerySetSnapshot {
    init(_ set: ListeningQuerySet) {
        self.init()
        version = set.version
        queries = set.queries.map(SavedQuery.init)
    }
}

extension PostView {
    /// The view a stored post holds; a database failure when it does not decode.
    init(_ stored: StoredPost) throws(StoreError) {
        do { try self.init(serializedBytes: stored.view) } catch {
            throw .database(operation: "decode stored post \(stored.id)", message: "\(error)")
        }
    }
}

extension AlertKind {
    init(_ kind: SpikeKind) {
        switch kind {
        case .volume: self = .volume
        case .negativeSentiment: self = .negativeSentiment
        case .anger: self = .anger
        }
    }

    /// The kind a request asks for; nil for any (unspecified).
    var spikeKind: SpikeKind? {
        switch self {
        case .unspecified: nil
        case .volume: .volume
        case .negativeSentiment: .negativeSentiment
        case .anger: .anger
        }
    }
}

extension AlertSeverity {
    init(_ severity: SpikeSeverity) {
        switch severity {
        case .low: self = .low
        case .medium: self = .medium
        case .high: self = .high
        case .critical: self = .critical
        }
    }

    /// The severity a request asks for at least; nil for any (unspecified).
    var spikeSeverity: SpikeSeverity? {
        switch self {
        case .unspecified: nil
        case .low: .low
        case .medium: .medium
        case .high: .high
        case .critical: .critical
        }
    }
}

extension Alert {
    /// The alert a store kept; a database failure when its record does not decode.
    init(_ stored: StoredAlert) throws(StoreError) {
        do { try self.init(serializedBytes: stored.record) } catch {
            throw .database(operation: "decode stored alert \(stored.id)", message: "\(error)")
        }
    }
}
