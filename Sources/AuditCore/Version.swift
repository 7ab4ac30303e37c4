/// The software version of this build, reported by `fairuse --version` and in the agent's and the
/// coordinator's hellos. The wire protocol has its own version (`ProtocolVersion` in AuditWire).
public enum FairuseVersion {
    /// `0.1.0`.
    public static let current = "0.1.0"
}
