// Certificate revocation lists through the system OpenSSL (libcrypto), which swift-certificates lacks.
// The functions take and return DER bytes; time is Unix seconds (UTC). OpenSSL's own types stay inside
// the shim, so Swift never sees a libcrypto symbol next to swift-nio-ssl's (prefixed) BoringSSL ones.
#ifndef FAIRUSE_OPENSSL_H
#define FAIRUSE_OPENSSL_H

#include <stddef.h>
#include <stdint.h>

/// What a call found; `message` (when given) holds a sentence for people.
typedef enum {
    FU_OK = 0,
    FU_ERR_ARGUMENT = 1,    ///< a null pointer or an empty buffer where bytes were needed
    FU_ERR_PARSE = 2,       ///< the bytes are not a DER CRL, certificate or PKCS#8 key
    FU_ERR_KEY = 3,         ///< the key does not belong to the CA certificate
    FU_ERR_ISSUER = 4,      ///< the CRL names another issuer than the CA certificate's subject
    FU_ERR_SIGNATURE = 5,   ///< the CRL's signature does not verify with the CA's public key
    FU_ERR_ENCODE = 6,      ///< building or signing the CRL failed
} fu_status;

/// A verified CRL's validity and size.
typedef struct {
    int64_t this_update;      ///< thisUpdate, Unix seconds
    int64_t next_update;      ///< nextUpdate, Unix seconds (valid only when has_next_update)
    int32_t has_next_update;  ///< 1 when the CRL has a nextUpdate
    int64_t revoked_count;    ///< the number of revoked entries
    int64_t crl_number;       ///< the cRLNumber extension, -1 if absent or too large
} fu_crl_info;

/// Builds a version 2 CRL issued by the CA certificate `ca_der`, signed with its PKCS#8 key `key_der`
/// (ECDSA with SHA-256), listing `count` serials (big-endian magnitudes) with their revocation times,
/// with thisUpdate, nextUpdate, cRLNumber and authorityKeyIdentifier. On FU_OK, `*out` holds the DER
/// (free it with fu_free) and `*out_length` its size.
fu_status fu_crl_create(const uint8_t *ca_der, size_t ca_length, const uint8_t *key_der, size_t key_length,
                        const uint8_t *const *serials, const size_t *serial_lengths, const int64_t *revoked_at,
                        size_t count, int64_t this_update, int64_t next_update, uint64_t crl_number,
                        uint8_t **out, size_t *out_length, char *message, size_t message_capacity);

/// Parses a DER CRL and checks that the CA certificate `ca_der` issued it: issuer name equal to the
/// CA's subject and a signature that verifies with the CA's public key. Fills `info` on FU_OK.
/// Freshness (thisUpdate ≤ now ≤ nextUpdate) is the caller's, who owns the clock.
fu_status fu_crl_verify(const uint8_t *crl_der, size_t crl_length, const uint8_t *ca_der, size_t ca_length,
                        fu_crl_info *info, char *message, size_t message_capacity);

/// 1 if the CRL lists the serial (big-endian magnitude), 0 if not, -1 if the CRL or serial cannot be read.
int fu_crl_is_revoked(const uint8_t *crl_der, size_t crl_length, const uint8_t *serial, size_t serial_length);

/// Frees a buffer returned by fu_crl_create.
void fu_free(void *pointer);

#endif
