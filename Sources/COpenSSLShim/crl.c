#include "fairuse_openssl.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static fu_status fail(fu_status status, char *message, size_t capacity, const char *text) {
    if (message && capacity > 0) snprintf(message, capacity, "%s", text);
    ERR_clear_error();
    return status;
}

static int asn1_time_to_unix(const ASN1_TIME *time, int64_t *seconds) {
    struct tm parts;
    memset(&parts, 0, sizeof parts);
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1) return 0;
    *seconds = (int64_t)timegm(&parts);
    return 1;
}

static ASN1_INTEGER *integer_from_bytes(const uint8_t *bytes, size_t length) {
    BIGNUM *number = BN_bin2bn(bytes, (int)length, NULL);
    if (!number) return NULL;
    ASN1_INTEGER *integer = BN_to_ASN1_INTEGER(number, NULL);
    BN_free(number);
    return integer;
}

static X509 *certificate_from_der(const uint8_t *der, size_t length) {
    const unsigned char *cursor = der;
    return d2i_X509(NULL, &cursor, (long)length);
}

static X509_CRL *crl_from_der(const uint8_t *der, size_t length) {
    const unsigned char *cursor = der;
    X509_CRL *crl = d2i_X509_CRL(NULL, &cursor, (long)length);
    // Trailing bytes after the CRL are refused: one file, one CRL.
    if (crl && cursor != der + length) {
        X509_CRL_free(crl);
        return NULL;
    }
    return crl;
}

fu_status fu_crl_create(const uint8_t *ca_der, size_t ca_length, const uint8_t *key_der, size_t key_length,
                        const uint8_t *const *serials, const size_t *serial_lengths, const int64_t *revoked_at,
                        size_t count, int64_t this_update, int64_t next_update, uint64_t crl_number,
                        uint8_t **out, size_t *out_length, char *message, size_t message_capacity) {
    if (!ca_der || !key_der || !out || !out_length || (count > 0 && (!serials || !serial_lengths || !revoked_at)))
        return fail(FU_ERR_ARGUMENT, message, message_capacity, "missing argument");
    fu_status status = FU_ERR_ENCODE;
    const char *reason = "could not build or sign the revocation list";
    X509 *ca = certificate_from_der(ca_der, ca_length);
    const unsigned char *key_cursor = key_der;
    EVP_PKEY *key = d2i_AutoPrivateKey(NULL, &key_cursor, (long)key_length);
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *last = NULL, *next = NULL;
    ASN1_INTEGER *number = NULL;
    unsigned char *der = NULL;
    if (!ca || !key) {
        status = FU_ERR_PARSE;
        reason = !ca ? "the CA certificate is not DER X.509" : "the CA key is not a DER PKCS#8 private key";
        goto done;
    }
    if (X509_check_private_key(ca, key) != 1) {
        status = FU_ERR_KEY;
        reason = "the key does not belong to the CA certificate";
        goto done;
    }
    last = ASN1_TIME_set(NULL, (time_t)this_update);
    next = ASN1_TIME_set(NULL, (time_t)next_update);
    if (!crl || !last || !next || X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1
        || X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) != 1
        || X509_CRL_set1_lastUpdate(crl, last) != 1 || X509_CRL_set1_nextUpdate(crl, next) != 1)
        goto done;
    for (size_t index = 0; index < count; index++) {
        X509_REVOKED *entry = X509_REVOKED_new();
        ASN1_INTEGER *serial = integer_from_bytes(serials[index], serial_lengths[index]);
        ASN1_TIME *when = ASN1_TIME_set(NULL, (time_t)revoked_at[index]);
        int added = entry && serial && when && X509_REVOKED_set_serialNumber(entry, serial) == 1
            && X509_REVOKED_set_revocationDate(entry, when) == 1 && X509_CRL_add0_revoked(crl, entry) == 1;
        ASN1_INTEGER_free(serial);
        ASN1_TIME_free(when);
        if (!added) {
            X509_REVOKED_free(entry);
            goto done;
        }
    }
    number = ASN1_INTEGER_new();
    if (!number || ASN1_INTEGER_set_uint64(number, crl_number) != 1
        || X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0) != 1)
        goto done;
    X509V3_CTX context;
    X509V3_set_ctx(&context, ca, NULL, NULL, crl, 0);
    X509_EXTENSION *authority = X509V3_EXT_conf_nid(NULL, &context, NID_authority_key_identifier, "keyid:always");
    if (!authority) goto done;
    int extended = X509_CRL_add_ext(crl, authority, -1);
    X509_EXTENSION_free(authority);
    if (extended != 1 || X509_CRL_sort(crl) != 1 || X509_CRL_sign(crl, key, EVP_sha256()) <= 0) goto done;
    int length = i2d_X509_CRL(crl, &der);
    if (length <= 0) goto done;
    *out = der;
    *out_length = (size_t)length;
    status = FU_OK;
done:
    X509_free(ca);
    EVP_PKEY_free(key);
    X509_CRL_free(crl);
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    ASN1_INTEGER_free(number);
    if (status != FU_OK) return fail(status, message, message_capacity, reason);
    ERR_clear_error();
    return FU_OK;
}

fu_status fu_crl_verify(const uint8_t *crl_der, size_t crl_length, const uint8_t *ca_der, size_t ca_length,
                        fu_crl_info *info, char *message, size_t message_capacity) {
    if (!crl_der || crl_length == 0 || !ca_der || !info)
        return fail(FU_ERR_ARGUMENT, message, message_capacity, "missing argument");
    X509_CRL *crl = crl_from_der(crl_der, crl_length);
    X509 *ca = certificate_from_der(ca_der, ca_length);
    fu_status status = FU_OK;
    const char *reason = "";
    if (!crl) {
        status = FU_ERR_PARSE;
        reason = "expected one DER X.509 CRL, found bytes that are not one";
    } else if (!ca) {
        status = FU_ERR_PARSE;
        reason = "the CA certificate is not DER X.509";
    } else if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) != 0) {
        status = FU_ERR_ISSUER;
        reason = "expected a revocation list issued by the federation CA, found one naming another issuer";
    } else if (X509_CRL_verify(crl, X509_get0_pubkey(ca)) != 1) {
        status = FU_ERR_SIGNATURE;
        reason = "expected a revocation list signed by the federation CA, found a signature that does not verify";
    } else {
        memset(info, 0, sizeof *info);
        const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
        if (!asn1_time_to_unix(X509_CRL_get0_lastUpdate(crl), &info->this_update)
            || (next && !asn1_time_to_unix(next, &info->next_update))) {
            status = FU_ERR_PARSE;
            reason = "the revocation list's thisUpdate or nextUpdate is unreadable";
        } else {
            info->has_next_update = next != NULL;
            STACK_OF(X509_REVOKED) *revoked = X509_CRL_get_REVOKED(crl);
            info->revoked_count = revoked ? sk_X509_REVOKED_num(revoked) : 0;
            info->crl_number = -1;
            ASN1_INTEGER *number = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
            uint64_t value = 0;
            if (number && ASN1_INTEGER_get_uint64(&value, number) == 1 && value <= INT64_MAX) info->crl_number = (int64_t)value;
            ASN1_INTEGER_free(number);
        }
    }
    X509_CRL_free(crl);
    X509_free(ca);
    if (status != FU_OK) return fail(status, message, message_capacity, reason);
    ERR_clear_error();
    return FU_OK;
}

int fu_crl_is_revoked(const uint8_t *crl_der, size_t crl_length, const uint8_t *serial, size_t serial_length) {
    if (!crl_der || !serial || serial_length == 0) return -1;
    X509_CRL *crl = crl_from_der(crl_der, crl_length);
    ASN1_INTEGER *number = integer_from_bytes(serial, serial_length);
    int result = -1;
    if (crl && number) {
        X509_REVOKED *entry = NULL;
        result = X509_CRL_get0_by_serial(crl, &entry, number) == 1 ? 1 : 0;
    }
    X509_CRL_free(crl);
    ASN1_INTEGER_free(number);
    ERR_clear_error();
    return result;
}

void fu_free(void *pointer) { OPENSSL_free(pointer); }
