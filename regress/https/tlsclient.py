"""
The HTTPS tests' Python clients share this: a TLS connection to the
test daemon on loopback, the throw-away certificate not checked.
"""
import socket
import ssl


def connect(port, timeout, rcvbuf=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx.wrap_socket(s, server_hostname="localhost")


def recv(t, n=65536):
    """The next bytes; b"" at the end, or when the connection broke."""
    try:
        return t.recv(n)
    except (ssl.SSLError, OSError):
        return b""
