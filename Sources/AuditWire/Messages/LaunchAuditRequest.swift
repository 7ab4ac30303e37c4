import AuditCore
import Foundation

/// `POST /v1/audits`: launch an audit of a spec at a set of sites.
public struct LaunchAuditRequest: Sendable, Codable, Equatable {
    /// The audit spec as YAML text (`Protocol/audit-spec.md`); the coordinator parses and validates it.
    public var specYAML: String
    /// The sites to ask, at least one, without duplicates.
    public var sites: [SiteID]
    /// Results needed for a `partial` report past the deadline; nil means every site.
    public var minSites: Int?
    /// Sites whose result is needed for any report; nil means none beyond ``minSites``.
    public var requiredSites: [SiteID]?
    /// When outstanding tasks expire; nil for no deadline.
    public var deadline: Date?
    /// The root seed of the audit's bootstrap streams (`root_seed`, protocol 1.x, optional): the
    /// same seed, spec and data reproduce the report bit for bit. nil: the coordinator draws one
    /// and records it. Either way it replaces the spec's `tests.seed`.
    public var rootSeed: UInt64?

    /// Creates a request.
    public init(specYAML: String, sites: [SiteID], minSites: Int? = nil, requiredSites: [SiteID]? = nil,
                deadline: Date? = nil, rootSeed: UInt64? = nil) {
        self.specYAML = specYAML
        self.sites = sites
        self.minSites = minSites
        self.requiredSites = requiredSites
        self.deadline = deadline
        self.rootSeed = rootSeed
    }

    /// Checks the site rules: sites non-empty and distinct, 1 ≤ minSites ≤ sites, requiredSites ⊆ sites.
    /// (The spec is checked by `AuditSpec.parse`.)
    public func validate() throws(WireError) {
        guard !sites.isEmpty else {
            throw WireError(code: .invalidShape, message: "expected at least one site", field: "sites")
        }
        if let index = Self.firstDuplicate(sites) {
            throw WireError(code: .invalidShape, message: "site listed twice", field: "sites[\(index)]")
        }
        if let minSites, !(1...sites.count).contains(minSites) {
            throw WireError(code: .invalidShape,
                            message: "expected min_sites in 1 … \(sites.count) (the number of sites)", field: "min_sites")
        }
        for (index, site) in (requiredSites ?? []).enumerated() where !sites.contains(site) {
            throw WireError(code: .invalidShape, message: "a required site is not among the audit's sites",
                            field: "required_sites[\(index)]")
        }
        if let requiredSites, let index = Self.firstDuplicate(requiredSites) {
            throw WireError(code: .invalidShape, message: "site listed twice", field: "required_sites[\(index)]")
        }
    }

    private static func firstDuplicate(_ sites: [SiteID]) -> Int? {
        var seen: Set<SiteID> = []
        for (index, site) in sites.enumerated() where !seen.insert(site).inserted { return index }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case sites, minSites, requiredSites, deadline, rootSeed
        // The snake-case key strategy turns `specYaml` into `spec_yaml` and back.
        case specYAML = "specYaml"
    }
}
