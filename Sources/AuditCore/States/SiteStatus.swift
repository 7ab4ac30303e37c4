/// Whether a registered site may act, one type for the store and the wire.
public enum SiteStatus: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// The site may authenticate and receive tasks.
    case active
    /// The site was revoked: it no longer authenticates (`revoked_site`) and its open tasks failed.
    case revoked

    /// The wire name.
    public var description: String { rawValue }
}
