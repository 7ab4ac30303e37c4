import AuditPKI
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import X509

/// Explains a failed TLS handshake with the coordinator in words a site's IT staff can act on.
///
/// BoringSSL reports only `CERTIFICATE_VERIFY_FAILED` (with a source path of the build). When that happens, the
/// client looks for the usual causes itself: its own certificate outside its validity by the local clock, or
/// the coordinator's. For the latter it opens one more connection whose verification callback only records the
/// certificate the coordinator presents and then aborts the handshake (nothing else is sent), and checks it
/// against the federation CA at the local time: "not yet valid by this machine's clock (valid from X, local
/// time Y): check the clock and NTP". Other failures are named by BoringSSL's reason code, without paths.
enum HandshakeDiagnosis {
    /// The sentence for a handshake failure with `baseURL`.
    static func explain(_ error: any Error, baseURL: String, certificatePath: String, caPath: String,
                        now: Date = Date()) async -> String {
        if let own = try? PKIStore.loadCertificate(path: certificatePath),
           let problem = TLSFiles.clockProblem(of: own, named: "this machine's certificate \(certificatePath)", at: now) {
            return problem
        }
        if let ca = try? PKIStore.loadCertificate(path: caPath), let der = await peerCertificate(of: baseURL),
           let peer = try? Certificate(derEncoded: der) {
            if let problem = TLSFiles.clockProblem(of: peer, named: "the coordinator's certificate", at: now) { return problem }
            if let problem = TLSFiles.clockProblem(of: ca, named: "the federation CA certificate \(caPath)", at: now) { return problem }
            if case .failure(let failure) = await verifyServerChain(leafDER: der, caCertificate: ca, at: now) {
                return "the coordinator's certificate is not one the federation CA in \(caPath) vouches for: \(failure.message)"
            }
        }
        return "the TLS handshake with \(Self.endpoint(baseURL)) failed (\(reasons(of: error))); check the coordinator URL, "
            + "that ca is the federation's CA, and that this machine's certificate is registered"
    }

    /// BoringSSL's reason codes (e.g. `CERTIFICATE_VERIFY_FAILED`, `TLSV1_ALERT_UNKNOWN_CA`) without file paths.
    static func reasons(of error: any Error) -> String {
        let text = String(describing: error)
        var found: [String] = []
        let pattern = try! NSRegularExpression(pattern: "[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            if let range = Range(match.range, in: text), !found.contains(String(text[range])) { found.append(String(text[range])) }
        }
        if !found.isEmpty { return found.joined(separator: ", ") }
        // NIOSSLError cases without a BoringSSL reason, e.g. `uncleanShutdown`: the case name only.
        return text.prefix { $0.isLetter || $0.isNumber }.description
    }

    /// `host:port` of an https URL.
    static func endpoint(_ baseURL: String) -> String {
        guard let url = URL(string: baseURL), let host = url.host else { return baseURL }
        return "\(host):\(url.port ?? 443)"
    }

    /// The certificate the server at `baseURL` presents, read by a connection that verifies nothing and aborts
    /// the handshake as soon as it has the certificate; nil when none arrives within five seconds.
    static func peerCertificate(of baseURL: String) async -> [UInt8]? {
        guard let url = URL(string: baseURL), let host = url.host else { return nil }
        let captured = Mutex<[UInt8]?>(nil)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv13
        guard let context = try? NIOSSLContext(configuration: tls) else { return nil }
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let record: NIOSSLCustomVerificationCallback = { certificates, promise in
                        captured.withLock { $0 = try? certificates.first?.toDERBytes() }
                        promise.succeed(NIOSSLVerificationResult.failed)
                    }
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host,
                                                          customVerificationCallback: record)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        guard let channel = try? await bootstrap.connect(host: host, port: url.port ?? 443).get() else { return nil }
        let closed = channel.closeFuture
        _ = channel.eventLoop.scheduleTask(in: TimeAmount.seconds(5)) { channel.close(promise: nil) }
        _ = try? await closed.get()
        return captured.withLock { $0 }
    }
}
