// The one function Debian 12's civetweb looks up in "libssl.so" that OpenSSL 3 no longer
// exports: SSL_get_peer_certificate became a macro for SSL_get1_peer_certificate (same
// reference semantics: civetweb frees the certificate). civetweb counts a failed lookup as a
// loaded library and then calls through a NULL pointer after every handshake (civetweb issue
// #1334). The executable is linked with the soname "libssl.so" and exports this symbol, so
// civetweb's dlopen("libssl.so") finds the executable itself, and its dlsym calls resolve
// here and through the executable's own libssl.so.3 and libcrypto.so.3.

extern "C" {

struct ssl_st;
struct x509_st;

x509_st* SSL_get1_peer_certificate(const ssl_st* ssl);

__attribute__((visibility("default"))) x509_st* SSL_get_peer_certificate(const ssl_st* ssl) {
  return SSL_get1_peer_certificate(ssl);
}

}  // extern "C"
