import Foundation
import NIOCore
import ServiceLifecycle
import Synchronization

/// A listener that could not bind, named by address and by the configuration key that sets it,
/// with what to do — instead of NIO's `bind(descriptor:ptr:bytes:): Address already in use`.
public struct ListenError: Error, Sendable, CustomStringConvertible {
    /// Why binding failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// Another process holds the address.
        public static let addressInUse = Code(name: "address_in_use")
        /// The port needs privileges this process lacks.
        public static let permissionDenied = Code(name: "permission_denied")
        /// No interface of this host has the address, or the host name does not resolve.
        public static let addressUnavailable = Code(name: "address_unavailable")
        /// Any other failure to listen.
        public static let other = Code(name: "other")
        public var description: String { name }
    }

    /// Why.
    public let code: Code
    /// `host:port` as configured.
    public let address: String
    /// The message: address, cause, and what to do.
    public let description: String

    /// The error for `error`, thrown while binding `address`, which `setting` configures.
    init(_ error: any Error, address: String, setting: String) {
        self.address = address
        let errno = (error as? IOError)?.errnoCode
        switch errno {
        case EADDRINUSE:
            code = .addressInUse
            description = "cannot listen on \(address): address already in use — is another coordinator running? "
                + "Stop it, or change \(setting)"
        case EACCES:
            code = .permissionDenied
            description = "cannot listen on \(address): permission denied — ports below 1024 need privileges; "
                + "use a port from 1024 up in \(setting) (or grant CAP_NET_BIND_SERVICE)"
        case EADDRNOTAVAIL:
            code = .addressUnavailable
            description = "cannot listen on \(address): no network interface of this host has that address — change \(setting)"
        default:
            if error is SocketAddressError {
                code = .addressUnavailable
                description = "cannot listen on \(address): the host name does not resolve — change \(setting)"
            } else {
                code = .other
                description = "cannot listen on \(address): \(errno.map { String(cString: strerror($0)) } ?? "\(error)") — check \(setting)"
            }
        }
    }
}

/// Runs a listener and turns a failure to bind into a ``ListenError``. Errors after the listener
/// is up (it reported its port) pass through unchanged.
struct ListeningService: Service {
    let listener: any Service
    let address: String
    let setting: String
    let bound: SetOnceFlag

    func run() async throws {
        do { try await listener.run() } catch where !bound.isSet && (error is IOError || error is SocketAddressError) {
            throw ListenError(error, address: address, setting: setting)
        }
    }
}

/// A flag that is only ever raised: a listener reported its port (so later failures are not
/// mistaken for binding errors), or a request passed authentication.
final class SetOnceFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
