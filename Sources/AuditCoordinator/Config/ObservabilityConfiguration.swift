/// The coordinator's plain-HTTP listener for `/metrics`, `/healthz` and `/readyz`
/// (`observability:` in `coordinator.yaml`).
///
/// Why a separate plain listener: every connection to the API port must present a client
/// certificate of the federation CA, which Prometheus scrapers, the kubelet and systemd probes do
/// not hold. These three routes reveal no site data (counts by state, request counts, latencies),
/// so they are served without TLS — by default on loopback only, where only this host reaches them.
/// Any other address must be asked for with `allow_non_loopback: true` (e.g. a pod IP scraped inside
/// a cluster network), and the operator then answers for who can reach that port.
public struct ObservabilityConfiguration: Sendable, Equatable {
    /// Where to listen (`observability.listen`), e.g. `127.0.0.1:9464`.
    public var listen: ListenAddress
    /// Whether a non-loopback `listen` is accepted (`observability.allow_non_loopback`).
    public var allowNonLoopback: Bool
    /// Where to write the bound port (`observability.port_file`), for `listen` with port 0.
    public var portFile: String?

    /// Creates the configuration.
    public init(listen: ListenAddress, allowNonLoopback: Bool = false, portFile: String? = nil) {
        self.listen = listen
        self.allowNonLoopback = allowNonLoopback
        self.portFile = portFile
    }
}
