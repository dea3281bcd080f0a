"""TLS settings shared by Client, AsyncClient and txgate-cli."""
import ssl
from typing import Optional, Union

TlsOption = Union[bool, ssl.SSLContext, None]


def ssl_context(tls: TlsOption = None, ca_file: Optional[str] = None, cert_file: Optional[str] = None,
                key_file: Optional[str] = None) -> Optional[ssl.SSLContext]:
    """The context to connect with, or None for plaintext.

    ``tls`` may be an ``ssl.SSLContext`` (used as it is), True, or None/False; giving ``ca_file``
    or ``cert_file`` turns TLS on too. The default context checks the server's certificate against
    the system's authorities (or ``ca_file`` instead) and that it names the host connected to.
    ``cert_file`` and ``key_file`` (PEM) are the client certificate for a server that asks for one.
    """
    if isinstance(tls, ssl.SSLContext):
        if ca_file or cert_file or key_file:
            raise ValueError("give either an SSLContext or ca_file/cert_file/key_file, not both")
        return tls
    if key_file and not cert_file:
        raise ValueError("key_file needs cert_file")
    if not (tls or ca_file or cert_file):
        return None
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    if cert_file:
        context.load_cert_chain(cert_file, key_file)
    return context
