import ClientSupport
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Wire shapes of the panel's Fractal envelope (`PterodactylSerializer.php`). Internal: the public models are in
// PanelModels.swift. Required fields throw when missing; optional fields decode to nil when absent or mistyped.

// MARK: - Envelope

/// `{"object": "...", "attributes": {...}}`; `attributes` is nil for `null_resource`.
struct WireItem<Attributes: Decodable>: Decodable {
    var object: String
    var attributes: Attributes?

    private enum CodingKeys: String, CodingKey {
        case object, attributes
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        object = try container.decodeIfPresent(String.self, forKey: .object) ?? ""
        if object == "null_resource" {
            attributes = nil
        } else {
            attributes = try container.decode(Attributes.self, forKey: .attributes)
        }
    }
}

/// `{"object": "list", "data": [...], "meta": {"pagination": {...}}}`.
struct WireList<Attributes: Decodable>: Decodable {
    var data: [WireItem<Attributes>]
    var meta: WireMeta?

    private enum CodingKeys: String, CodingKey {
        case data, meta
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        data = try container.decode([WireItem<Attributes>].self, forKey: .data)
        meta = container.decodeOrNil(WireMeta.self, forKey: .meta)
    }
}

/// `meta` of a list.
struct WireMeta: Decodable {
    var pagination: WirePagination?
}

/// `meta.pagination` (`links` is ignored: application lists drop the query string from it).
/// Every field is optional: a listing must still end when a proxy or an older panel leaves one out (see PageWalk).
struct WirePagination: Decodable {
    var total: Int?
    var count: Int?
    var perPage: Int?
    var currentPage: Int?
    var totalPages: Int?

    private enum CodingKeys: String, CodingKey {
        case total, count
        case perPage = "per_page"
        case currentPage = "current_page"
        case totalPages = "total_pages"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        total = container.decodeOrNil(Int.self, forKey: .total)
        count = container.decodeOrNil(Int.self, forKey: .count)
        perPage = container.decodeOrNil(Int.self, forKey: .perPage)
        currentPage = container.decodeOrNil(Int.self, forKey: .currentPage)
        totalPages = container.decodeOrNil(Int.self, forKey: .totalPages)
    }
}

/// An included relationship: an item, a list, or a `null_resource`.
struct WireRelationship<Attributes: Decodable>: Decodable {
    var items: [Attributes]

    private enum CodingKeys: String, CodingKey {
        case object, data, attributes
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let object = try container.decodeIfPresent(String.self, forKey: .object)
        switch object {
        case "list":
            items = try container.decode([WireItem<Attributes>].self, forKey: .data).compactMap(\.attributes)
        case "null_resource", nil:
            items = []
        default:
            items = [try container.decode(Attributes.self, forKey: .attributes)]
        }
    }
}

// MARK: - Errors

/// `{"errors": [{"code", "status", "detail"}]}`; `status` is a string.
struct WireErrorBody: Decodable {
    struct Entry: Decodable {
        var code: String?
        var status: String?
        var detail: String?
    }

    var errors: [Entry]
}

// MARK: - Servers

/// `limits`.
struct WireLimits: Decodable {
    var memory: Int?
    var swap: Int?
    var disk: Int?
    var io: Int?
    var cpu: Int?
    var threads: String?

    private enum CodingKeys: String, CodingKey {
        case memory, swap, disk, io, cpu, threads
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        memory = container.decodeOrNil(Int.self, forKey: .memory)
        swap = container.decodeOrNil(Int.self, forKey: .swap)
        disk = container.decodeOrNil(Int.self, forKey: .disk)
        io = container.decodeOrNil(Int.self, forKey: .io)
        cpu = container.decodeOrNil(Int.self, forKey: .cpu)
        threads = container.decodeOrNil(String.self, forKey: .threads)
    }

    var model: ServerLimits {
        ServerLimits(
            memoryMiB: memory ?? 0,
            swapMiB: swap ?? 0,
            diskMiB: disk ?? 0,
            cpuPercent: cpu ?? 0,
            ioWeight: io,
            threads: threads
        )
    }
}

/// Client `allocation` (`ip_alias`, `is_default`) or application `allocation` (`alias`, `assigned`).
struct WireAllocation: Decodable {
    var id: Int
    var ip: String
    var alias: String?
    var port: Int
    var notes: String?
    var isDefault: Bool?
    var assigned: Bool?

    private enum CodingKeys: String, CodingKey {
        case id, ip, port, notes, alias, assigned
        case ipAlias = "ip_alias"
        case isDefault = "is_default"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        ip = try container.decode(String.self, forKey: .ip)
        port = try container.decode(Int.self, forKey: .port)
        alias =
            container.decodeOrNil(String.self, forKey: .ipAlias)
            ?? container.decodeOrNil(String.self, forKey: .alias)
        notes = container.decodeOrNil(String.self, forKey: .notes)
        isDefault = container.decodeOrNil(Bool.self, forKey: .isDefault)
        assigned = container.decodeOrNil(Bool.self, forKey: .assigned)
    }
}

/// The relationships of a server (client: `allocations`; application: `allocations`, `node`).
struct WireServerRelationships: Decodable {
    var allocations: WireRelationship<WireAllocation>?
    var node: WireRelationship<WireNode>?
    /// Client API only; a `null_resource` for a subuser without `startup.read` (decodes as nil).
    var variables: WireRelationship<WireEggVariable>?

    private enum CodingKeys: String, CodingKey {
        case allocations, node, variables
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        allocations = container.decodeOrNil(WireRelationship<WireAllocation>.self, forKey: .allocations)
        node = container.decodeOrNil(WireRelationship<WireNode>.self, forKey: .node)
        variables = container.decodeOrNil(WireRelationship<WireEggVariable>.self, forKey: .variables)
    }
}

/// An `egg_variable` of the client API (`EggVariableTransformer.php`): only `env_variable` and `server_value`
/// are read.
struct WireEggVariable: Decodable {
    var environmentName: String
    var value: String?

    private enum CodingKeys: String, CodingKey {
        case environmentName = "env_variable"
        case value = "server_value"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        environmentName = try container.decode(String.self, forKey: .environmentName)
        // `server_value` is a string column, but numeric-looking values can arrive as numbers.
        value =
            container.decodeOrNil(String.self, forKey: .value)
            ?? container.decodeOrNil(Int.self, forKey: .value).map(String.init)
    }
}

/// A client or application `server`. The two shapes share most fields; the differences are optional.
struct WireServer: Decodable {
    var identifier: String
    var uuid: String
    var name: String
    var internalID: Int?
    var description: String?
    var nodeName: String?
    var nodeID: Int?
    var limits: WireLimits?
    var status: String?
    var isSuspended: Bool?
    var suspended: Bool?
    var isInstalling: Bool?
    var isTransferring: Bool?
    var isNodeUnderMaintenance: Bool?
    var primaryAllocationID: Int?
    var dockerImage: String?
    var relationships: WireServerRelationships?

    private enum CodingKeys: String, CodingKey {
        case identifier, uuid, name, description, node, limits, status, suspended, allocation, relationships, id
        case dockerImage = "docker_image"
        case internalID = "internal_id"
        case isSuspended = "is_suspended"
        case isInstalling = "is_installing"
        case isTransferring = "is_transferring"
        case isNodeUnderMaintenance = "is_node_under_maintenance"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        uuid = try container.decode(String.self, forKey: .uuid)
        identifier = container.decodeOrNil(String.self, forKey: .identifier) ?? String(uuid.prefix(8))
        name = try container.decode(String.self, forKey: .name)
        internalID =
            container.decodeOrNil(Int.self, forKey: .internalID) ?? container.decodeOrNil(Int.self, forKey: .id)
        description = container.decodeOrNil(String.self, forKey: .description)
        // Client API: `node` is the node's name; Application API: its numeric id.
        nodeName = container.decodeOrNil(String.self, forKey: .node)
        nodeID = container.decodeOrNil(Int.self, forKey: .node)
        limits = container.decodeOrNil(WireLimits.self, forKey: .limits)
        status = container.decodeOrNil(String.self, forKey: .status)
        isSuspended = container.decodeOrNil(Bool.self, forKey: .isSuspended)
        suspended = container.decodeOrNil(Bool.self, forKey: .suspended)
        isInstalling = container.decodeOrNil(Bool.self, forKey: .isInstalling)
        isTransferring = container.decodeOrNil(Bool.self, forKey: .isTransferring)
        isNodeUnderMaintenance = container.decodeOrNil(Bool.self, forKey: .isNodeUnderMaintenance)
        primaryAllocationID = container.decodeOrNil(Int.self, forKey: .allocation)
        dockerImage = container.decodeOrNil(String.self, forKey: .dockerImage)
        relationships = container.decodeOrNil(WireServerRelationships.self, forKey: .relationships)
    }

    var model: PanelServer {
        var status = PanelStatus(raw: self.status)
        // Older panels without `status` only have the deprecated booleans.
        if status == .normal {
            if isSuspended == true || suspended == true {
                status = .suspended
            } else if isInstalling == true {
                status = .installing
            }
        }
        let wireAllocations = relationships?.allocations?.items ?? []
        let allocations = wireAllocations.map { wire in
            ServerAllocation(
                id: wire.id,
                ip: wire.ip,
                alias: wire.alias,
                port: wire.port,
                notes: wire.notes,
                isDefault: wire.isDefault ?? (primaryAllocationID == wire.id)
            )
        }
        let includedNode = relationships?.node?.items.first
        return PanelServer(
            id: ServerID(identifier),
            uuid: uuid,
            internalID: internalID,
            name: name,
            description: description,
            nodeName: nodeName ?? includedNode?.name,
            nodeID: nodeID ?? includedNode?.id,
            limits: limits?.model ?? ServerLimits(),
            status: status,
            isTransferring: isTransferring ?? false,
            isNodeUnderMaintenance: isNodeUnderMaintenance ?? includedNode?.maintenanceMode ?? false,
            allocations: allocations,
            dockerImage: dockerImage,
            startupVariables: Dictionary(
                (relationships?.variables?.items ?? []).compactMap { variable in
                    variable.value.map { (variable.environmentName, $0) }
                },
                uniquingKeysWith: { first, _ in first }
            )
        )
    }
}

// MARK: - Resources

/// `stats` attributes. Every value defaults to 0 when missing (`StatsTransformer.php`).
struct WireStats: Decodable {
    struct Resources: Decodable {
        var memoryBytes: Int?
        var cpuAbsolute: Double?
        var diskBytes: Int?
        var networkRxBytes: Int?
        var networkTxBytes: Int?
        var uptime: Int?

        private enum CodingKeys: String, CodingKey {
            case uptime
            case memoryBytes = "memory_bytes"
            case cpuAbsolute = "cpu_absolute"
            case diskBytes = "disk_bytes"
            case networkRxBytes = "network_rx_bytes"
            case networkTxBytes = "network_tx_bytes"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            memoryBytes = container.decodeOrNil(Int.self, forKey: .memoryBytes)
            cpuAbsolute = container.decodeOrNil(Double.self, forKey: .cpuAbsolute)
            diskBytes = container.decodeOrNil(Int.self, forKey: .diskBytes)
            networkRxBytes = container.decodeOrNil(Int.self, forKey: .networkRxBytes)
            networkTxBytes = container.decodeOrNil(Int.self, forKey: .networkTxBytes)
            uptime = container.decodeOrNil(Int.self, forKey: .uptime)
        }
    }

    var currentState: String
    var resources: Resources?

    private enum CodingKeys: String, CodingKey {
        case resources
        case currentState = "current_state"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currentState = container.decodeOrNil(String.self, forKey: .currentState) ?? "stopped"
        resources = try container.decodeIfPresent(Resources.self, forKey: .resources)
    }

    var model: ServerResources {
        ServerResources(
            state: ServerState(powerState: currentState),
            rawState: currentState,
            memoryBytes: resources?.memoryBytes ?? 0,
            cpuAbsolute: resources?.cpuAbsolute ?? 0,
            diskBytes: resources?.diskBytes ?? 0,
            networkRxBytes: resources?.networkRxBytes ?? 0,
            networkTxBytes: resources?.networkTxBytes ?? 0,
            uptimeMilliseconds: resources?.uptime ?? 0
        )
    }
}

// MARK: - Nodes

/// Application `node` attributes. Pterodactyl sends `location_id` and, with `include=location`, the location in
/// `relationships` (`app/Transformers/Api/Application/NodeTransformer.php`, `LocationTransformer.php`). Pelican has
/// no locations; it sends `cpu`, `cpu_overallocate` and `allocated_resources.cpu` (pelican-dev/panel
/// `app/Models/Node.php`, `app/Transformers/Api/Application/NodeTransformer.php`). Both shapes decode here.
struct WireNode: Decodable {
    struct Allocated: Decodable {
        var memory: Int?
        var disk: Int?
        var cpu: Int?

        private enum CodingKeys: String, CodingKey {
            case memory, disk, cpu
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            memory = container.decodeOrNil(Int.self, forKey: .memory)
            disk = container.decodeOrNil(Int.self, forKey: .disk)
            cpu = container.decodeOrNil(Int.self, forKey: .cpu)
        }
    }

    /// `relationships` of a node; only `location` is read.
    struct Relationships: Decodable {
        /// A `null_resource` (the application key may not read locations) decodes as no item.
        var location: WireRelationship<WireLocation>?

        private enum CodingKeys: String, CodingKey {
            case location
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            location = container.decodeOrNil(WireRelationship<WireLocation>.self, forKey: .location)
        }
    }

    var id: Int
    var uuid: String?
    var name: String
    var description: String?
    var locationID: Int?
    var fqdn: String?
    var maintenanceMode: Bool?
    var memory: Int?
    var memoryOverallocate: Int?
    var disk: Int?
    var diskOverallocate: Int?
    var cpu: Int?
    var cpuOverallocate: Int?
    var allocatedResources: Allocated?
    var relationships: Relationships?

    private enum CodingKeys: String, CodingKey {
        case id, uuid, name, description, fqdn, memory, disk, cpu, relationships
        case locationID = "location_id"
        case maintenanceMode = "maintenance_mode"
        case memoryOverallocate = "memory_overallocate"
        case diskOverallocate = "disk_overallocate"
        case cpuOverallocate = "cpu_overallocate"
        case allocatedResources = "allocated_resources"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        uuid = container.decodeOrNil(String.self, forKey: .uuid)
        description = container.decodeOrNil(String.self, forKey: .description)
        locationID = container.decodeOrNil(Int.self, forKey: .locationID)
        fqdn = container.decodeOrNil(String.self, forKey: .fqdn)
        maintenanceMode = container.decodeOrNil(Bool.self, forKey: .maintenanceMode)
        memory = container.decodeOrNil(Int.self, forKey: .memory)
        memoryOverallocate = container.decodeOrNil(Int.self, forKey: .memoryOverallocate)
        disk = container.decodeOrNil(Int.self, forKey: .disk)
        diskOverallocate = container.decodeOrNil(Int.self, forKey: .diskOverallocate)
        cpu = container.decodeOrNil(Int.self, forKey: .cpu)
        cpuOverallocate = container.decodeOrNil(Int.self, forKey: .cpuOverallocate)
        allocatedResources = container.decodeOrNil(Allocated.self, forKey: .allocatedResources)
        relationships = container.decodeOrNil(Relationships.self, forKey: .relationships)
    }

    var model: PanelNode {
        PanelNode(
            id: id,
            uuid: uuid,
            name: name,
            description: description,
            locationID: locationID,
            location: relationships?.location?.items.first?.model,
            fqdn: fqdn,
            isInMaintenance: maintenanceMode ?? false,
            memoryMiB: memory ?? 0,
            memoryOverallocatePercent: memoryOverallocate ?? 0,
            diskMiB: disk ?? 0,
            diskOverallocatePercent: diskOverallocate ?? 0,
            allocatedMemoryMiB: allocatedResources?.memory ?? 0,
            allocatedDiskMiB: allocatedResources?.disk ?? 0,
            cpuPercent: cpu,
            cpuOverallocatePercent: cpuOverallocate,
            allocatedCPUPercent: allocatedResources?.cpu
        )
    }
}

/// Application `location` attributes (Pterodactyl `LocationTransformer.php`: `id`, `short`, `long`).
struct WireLocation: Decodable {
    var id: Int?
    var short: String?
    var long: String?

    private enum CodingKeys: String, CodingKey {
        case id, short, long
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = container.decodeOrNil(Int.self, forKey: .id)
        short = container.decodeOrNil(String.self, forKey: .short)
        long = container.decodeOrNil(String.self, forKey: .long)
    }

    var model: PanelLocation {
        PanelLocation(id: id, short: short ?? "", long: long)
    }
}

// MARK: - Activity

/// A client `activity_log` item (`app/Transformers/Api/Client/ActivityLogTransformer.php`). Only `event` and
/// `timestamp` are required; `relationships` (the actor) sits inside the attributes and may be absent.
struct WireActivity: Decodable {
    var event: String
    var loggedAt: Date
    var isAPI: Bool?

    private enum CodingKeys: String, CodingKey {
        case event, timestamp
        case isAPI = "is_api"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        event = try container.decode(String.self, forKey: .event)
        // `toIso8601String()`: `2026-12-07T10:00:00+00:00`, an offset and no fraction (the parser takes both).
        let timestamp = try container.decode(String.self, forKey: .timestamp)
        guard let date = try? Date(timestamp, strategy: .iso8601) else {
            throw DecodingError.dataCorruptedError(
                forKey: .timestamp,
                in: container,
                debugDescription: "not an ISO-8601 timestamp"
            )
        }
        loggedAt = date
        isAPI = container.decodeOrNil(Bool.self, forKey: .isAPI)
    }

    /// The neutral entry: `server:power.<signal>` names a signal; any other event has none.
    var model: PowerActivity {
        let prefix = "server:power."
        let signal = event.hasPrefix(prefix) ? PowerSignal(rawValue: String(event.dropFirst(prefix.count))) : nil
        return PowerActivity(signal: signal, event: event, loggedAt: loggedAt)
    }
}

// MARK: - Decode-or-nil
