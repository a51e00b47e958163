#!/usr/bin/env python3
"""TLS front for the sandbox: accepts TLS on 127.0.0.1 with the given
certificate and pipes the decrypted bytes to a plain TCP upstream (moto).

Usage: tls_forward.py CERT KEY UPSTREAM_PORT PORTFILE
Writes the port it listens on to PORTFILE; exits when its parent dies.
"""
import os
import socket
import ssl
import sys
import threading


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(conn, upstream_port):
    try:
        up = socket.create_connection(("127.0.0.1", upstream_port))
    except OSError:
        conn.close()
        return
    threading.Thread(target=pipe, args=(conn, up), daemon=True).start()
    pipe(up, conn)


def watch_parent(ppid):
    while os.getppid() == ppid:
        threading.Event().wait(1)
    os._exit(0)


def main():
    cert, key, upstream, portfile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    while True:
        raw, _ = srv.accept()
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()   # the client refused our certificate
            continue
        threading.Thread(target=serve, args=(conn, upstream), daemon=True).start()


if __name__ == "__main__":
    main()
