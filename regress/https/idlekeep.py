"""
One kept-alive connection: GET PATH, wait WAIT seconds (past the moment
an idle connection gives its TLS buffers back), GET PATH again on the
same connection, and again at once.  Prints the three statuses and
"same" when no request needed a new connection; any failure prints what
went wrong instead.

  idlekeep.py PORT PATH WAIT
"""
import http.client
import ssl
import sys
import time


def main(a):
    port, path, wait = int(a[1]), a[2], float(a[3])
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                       timeout=20)
    statuses = []
    sock = None
    try:
        for pause in (0, wait, 0):
            time.sleep(pause)
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            statuses.append(str(resp.status))
            if sock is None:
                sock = conn.sock
            elif conn.sock is not sock:
                print("reconnected")
                return
    except (OSError, http.client.HTTPException) as e:
        print("failed after %s: %s" % (" ".join(statuses), e))
        return
    print(" ".join(statuses), "same")


main(sys.argv)
