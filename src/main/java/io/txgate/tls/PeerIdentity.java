package io.txgate.tls;

import io.vertx.core.net.NetSocket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who a connection proved to be with its client certificate: the subject's common name (CN) of the
 * certificate the server verified against {@code protocol.tls.caFile}.
 */
public final class PeerIdentity {

  private PeerIdentity() {
  }

  /** The CN of the client certificate, or null: plaintext, no certificate sent, or none in its subject. */
  public static String commonName(NetSocket socket) {
    SSLSession session = socket.isSsl() ? socket.sslSession() : null;
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x509
        ? commonName(x509.getSubjectX500Principal().getName()) : null;
    } catch (SSLPeerUnverifiedException noCertificate) {
      return null;
    }
  }

  /** The most specific CN of an RFC 2253 distinguished name, or null. */
  static String commonName(String distinguishedName) {
    try {
      List<Rdn> rdns = new LdapName(distinguishedName).getRdns();
      // LdapName lists the RDNs from the last (least specific) to the first.
      for (int i = rdns.size() - 1; i >= 0; i--) {
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          return rdns.get(i).getValue().toString();
        }
      }
      return null;
    } catch (InvalidNameException e) {
      return null;
    }
  }
}
