// The node's side of transport "tunnel": one Python program (Python is on every Gentoo system:
// Portage needs it) in three roles, chosen by its first argument.
//
//  run DISTCCD SLOTS RUN [PORT]
//                         one per run and node, the remote command of the run's ssh master. It
//                         finds the node's service of this login user, or starts it, registers
//                         the run, prints "ready SOCKET SLOTS [127.0.0.1:PORT RUN]", then lives
//                         as long as the connection: its control connection to the service IS
//                         the run's lease. End of file on stdin, 30 s without a heartbeat byte, a
//                         signal or SIGKILL all close it, and the service drops the run at once.
//                         PORT (added by the forced command of a restricted key) asks for the
//                         TCP entrance, below.
//  status                 what the service holds now, one JSON line (for --dry-check).
//  (service)              forked by the first `run`: one per node and login user, shared by
//                         every run from every front end. It keeps the node-wide slot limit.
//
// Why it is built this way (docs/transport.md):
//  - distccd's TCP daemon mode is the only fast one (`--inetd` waits a 1 s select per job,
//    exec.c), and it only listens on TCP. So the service runs it in a network namespace of its
//    own, inside an unprivileged user namespace that maps only the login user: its 127.0.0.1 is
//    visible to nobody else on the node. The runs reach it through unix sockets in a 0700
//    directory of the login user, which sshd connects to for the run's own connection
//    (streamlocal forwarding): no other user of the node can reach a job slot.
//  - The slots are the service's: it relays at most SLOTS jobs at a time to distccd (which
//    itself runs --jobs SLOTS), whichever run they come from. A job beyond that waits in the
//    service, and the next free slot goes to the runs in turn (round robin), so two busy runs
//    get half each and an idle run takes nothing from the other.
//  - A key restricted to one TCP destination (permitopen="127.0.0.1:PORT") cannot forward to
//    unix sockets at all (OpenSSH checks socket paths against the same list). For such runs the
//    service also listens on 127.0.0.1:PORT of the node's own network: the session binds it
//    (the service has left that network) and hands it over with SCM_RIGHTS, with a sock_diag
//    netlink socket of that network, by which the service finds the uid owning each connection's
//    other end: a connection not made by this login user (sshd's session process makes the
//    run's) is closed before a byte is read. Each connection names its run first ("DEMR RUN").
//  - The first run starts the service, the service ends when its last run left: nothing stays
//    on the node. distccd dies with the service (PR_SET_PDEATHSIG), even of SIGKILL.
//
// Lines distccd writes go to every run as they are (demerge watches them for node problems).

export const NODE_PROGRAM_NAME = 'demerge-node';

export const NODE_PROGRAM = String.raw`
import collections, ctypes, errno, fcntl, json, os, selectors, signal, socket, stat, struct, sys, time

HEARTBEAT_TIMEOUT = 30
PROBE = b"DEMP"
RUN_HEADER = b"DEMR "
DISTCCD_PORT = 3632
SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-/")
BUFFER = 262144

class Fail(Exception):
    pass

def say(text):
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except OSError:
        pass

def private_dir():
    uid = os.getuid()
    path = "/tmp/demerge-%d" % uid
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid or st.st_mode & 0o077:
        raise Fail("%s is not a private directory of this user (owner %d, mode %o): remove it" % (path, st.st_uid, stat.S_IMODE(st.st_mode)))
    return path

def connect_control(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path + "/control")
        return s
    except OSError:
        s.close()
        return None

def read_line(sock, timeout):
    """The first line, and what came after it: the service sends "others" right behind "ok"."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    sock.settimeout(None)
    line, _, rest = data.partition(b"\n")
    return line.decode("utf-8", "replace").strip(), rest

def tcp_table(fd):
    """Rows of /proc/net/tcp, read through an fd opened in the node's own network namespace."""
    data, offset = b"", 0
    while True:
        chunk = os.pread(fd, 65536, offset)
        if not chunk:
            break
        data += chunk
        offset += len(chunk)
    rows = []
    for line in data.decode("ascii", "replace").splitlines()[1:]:
        f = line.split()
        if len(f) > 7 and ":" in f[1] and ":" in f[2] and f[7].isdigit():
            # Addresses are in host byte order: 127.0.0.1 reads 0100007F or 7F000001.
            rows.append((f[1].split(":")[0], int(f[1].split(":")[1], 16), f[2].split(":")[0], int(f[2].split(":")[1], 16), f[3], int(f[7])))
    return rows

LOOPBACK = ("0100007F", "7F000001")

def listener_uid(fd, port):
    for local, lport, _, _, state, uid in tcp_table(fd):
        if state == "0A" and lport == port and local in LOOPBACK + ("00000000",):
            return uid
    return None

def socket_owner(diag, port, peer_port):
    """The uid owning the connection 127.0.0.1:peer_port -> 127.0.0.1:port, by one sock_diag
    lookup on a netlink socket of the node's network (reading /proc/net/tcp walks the kernel's
    whole hash table: 4 ms a job, measured); None when there is no such live socket."""
    lo = struct.unpack("!I", socket.inet_aton("127.0.0.1"))[0]
    # inet_diag_req_v2 (any state), its socket id by 4-tuple, INET_DIAG_NOCOOKIE.
    req = struct.pack("=BBBBI", socket.AF_INET, socket.IPPROTO_TCP, 0, 0, 0xFFFFFFFF)
    req += struct.pack("!HH4I4I", peer_port, port, lo, 0, 0, 0, lo, 0, 0, 0)
    req += struct.pack("=III", 0, 0xFFFFFFFF, 0xFFFFFFFF)
    # nlmsghdr: SOCK_DIAG_BY_FAMILY (20), NLM_F_REQUEST.
    diag.send(struct.pack("=IHHII", 16 + len(req), 20, 1, 1, 0) + req)
    data = diag.recv(65536)
    if len(data) < 16 + 72 or struct.unpack_from("=H", data, 4)[0] != 20:
        return None
    # inet_diag_msg: state at 1, the socket's ports at 4, uid at 64; TIME_WAIT (6) is nobody's.
    if data[16 + 1] == 6 or struct.unpack_from("!HH", data, 16 + 4) != (peer_port, port):
        return None
    return struct.unpack_from("=I", data, 16 + 64)[0]

def bind_entrance(port):
    """127.0.0.1:PORT of the node's network, and a sock_diag socket of it, for the service."""
    table = os.open("/proc/self/net/tcp", os.O_RDONLY)
    s = socket.socket()
    try:
        # No SO_REUSEPORT: nobody else can then bind the port beside it.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(128)
    except OSError as e:
        s.close()
        uid = listener_uid(table, port)
        os.close(table)
        holder = " by uid %d" % uid if uid is not None else ""
        raise Fail("127.0.0.1:%d on the node is taken%s (%s): the restricted key may open only that port; free it" % (port, holder, e.strerror))
    os.close(table)
    # NETLINK_SOCK_DIAG: its network and user namespace are the ones it is made in.
    diag = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 4)
    return s, diag

# --- the service -----------------------------------------------------------------------------

def isolate():
    """A user namespace mapping only this user, and a network namespace with just lo, up."""
    uid, gid = os.getuid(), os.getgid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x10000000 | 0x40000000) != 0:
        raise Fail("user namespaces are not allowed on this node (unshare: %s): allow them (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone) or set transport = \"ssh\"" % os.strerror(ctypes.get_errno()))
    for name, text in (("setgroups", "deny"), ("uid_map", "%d %d 1" % (uid, uid)), ("gid_map", "%d %d 1" % (gid, gid))):
        with open("/proc/self/" + name, "w") as f:
            f.write(text)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # SIOCSIFFLAGS: IFF_UP | IFF_LOOPBACK | IFF_RUNNING
        fcntl.ioctl(s, 0x8914, struct.pack("16sH22x", b"lo", 0x1 | 0x8 | 0x40))
    except OSError as e:
        raise Fail("cannot bring up the private loopback (%s)" % e)
    finally:
        s.close()

def start_distccd(distccd, slots):
    libc = ctypes.CDLL(None, use_errno=True)
    def child():
        # PR_SET_PDEATHSIG: distccd's handler of SIGTERM ends its whole process group.
        libc.prctl(1, signal.SIGTERM)
    import subprocess
    proc = subprocess.Popen([distccd, "--daemon", "--no-detach", "--listen", "127.0.0.1", "--port", str(DISTCCD_PORT),
                             "--allow", "127.0.0.1", "--jobs", str(slots), "--log-stderr", "--log-level", "warning"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=child)
    deadline = time.time() + 10
    while time.time() < deadline:
        if proc.poll() is not None:
            last = [l for l in proc.stderr.read().decode("utf-8", "replace").splitlines() if l.strip()]
            raise Fail("distccd exited with status %s%s" % (proc.returncode, (": " + last[-1]) if last else ""))
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", DISTCCD_PORT))
            return proc
        except OSError:
            time.sleep(0.02)
        finally:
            s.close()
    proc.kill()
    raise Fail("distccd did not listen within 10 s")

class Run:
    def __init__(self, name, control, listener, path):
        self.name, self.control, self.listener, self.path = name, control, listener, path
        self.queue = collections.deque()
        self.relays = set()

class Relay:
    def __init__(self, service, run, client, server, first):
        self.service, self.run = service, run
        self.client, self.server = client, server
        self.out = {client: b"", server: first}
        self.eof = {client: False, server: False}
        self.shut = {client: False, server: False}
        for s in (client, server):
            s.setblocking(False)
        try:
            self.flush(server)
        except OSError:
            pass
        self.reregister()

    def other(self, s):
        return self.server if s is self.client else self.client

    def flush(self, s):
        if self.out[s]:
            try:
                n = s.send(self.out[s])
                self.out[s] = self.out[s][n:]
            except BlockingIOError:
                pass
        if not self.out[s] and self.eof[self.other(s)] and not self.shut[s]:
            self.shut[s] = True
            s.shutdown(socket.SHUT_WR)

    def handle(self, s, mask):
        try:
            if mask & selectors.EVENT_READ and not self.eof[s]:
                try:
                    data = s.recv(BUFFER)
                except BlockingIOError:
                    data = None
                if data:
                    self.out[self.other(s)] += data
                elif data is not None:
                    self.eof[s] = True
            self.flush(self.client)
            self.flush(self.server)
        except OSError:
            self.close()
            return
        # The job is over once distccd closed its end and all it sent reached the client.
        if self.eof[self.server] and not self.out[self.client]:
            self.close()
            return
        self.reregister()

    def reregister(self):
        for s in (self.client, self.server):
            events = 0
            if not self.eof[s] and len(self.out[self.other(s)]) < BUFFER:
                events |= selectors.EVENT_READ
            if self.out[s]:
                events |= selectors.EVENT_WRITE
            key = self.service.sel.get_map().get(s.fileno())
            if events and key is None:
                self.service.sel.register(s, events, self)
            elif events:
                self.service.sel.modify(s, events, self)
            elif key is not None:
                self.service.sel.unregister(s)

    def close(self):
        for s in (self.client, self.server):
            if s.fileno() >= 0 and self.service.sel.get_map().get(s.fileno()) is not None:
                self.service.sel.unregister(s)
            s.close()
        if self in self.run.relays:
            self.run.relays.discard(self)
            self.service.active -= 1
            self.service.dispatch()

class Pending:
    """A job's connection until its first bytes say whether it is a job or demerge's probe. On the
    TCP entrance (run None) the first line names the run."""
    def __init__(self, service, run, sock):
        self.service, self.run, self.sock, self.data = service, run, sock, b""
        sock.setblocking(False)
        service.sel.register(sock, selectors.EVENT_READ, self)

    def handle(self, s, mask):
        try:
            chunk = s.recv(BUFFER)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        self.data += chunk
        if self.run is None:
            if b"\n" not in self.data:
                if chunk and len(self.data) < 128:
                    return
                self.service.sel.unregister(s)
                s.close()
                return
            line, self.data = self.data.split(b"\n", 1)
            name = line[len(RUN_HEADER):].decode("ascii", "replace") if line.startswith(RUN_HEADER) else ""
            self.run = self.service.runs.get(name)
            if self.run is None:
                self.service.sel.unregister(s)
                s.close()
                return
        if chunk and len(self.data) < len(PROBE):
            return
        self.service.sel.unregister(s)
        if not chunk or self.run.name not in self.service.runs:
            s.close()
        elif self.data.startswith(PROBE):
            self.service.answer_probe(s)
        else:
            self.run.queue.append((s, self.data))
            self.service.dispatch()

class Listener:
    def __init__(self, service, sock, accept):
        self.sock, self.accept = sock, accept
        sock.setblocking(False)
        service.sel.register(sock, selectors.EVENT_READ, self)

    def handle(self, s, mask):
        try:
            conn, _ = s.accept()
        except OSError:
            return
        self.accept(conn)

class Control:
    def __init__(self, service, sock):
        self.service, self.sock, self.data, self.run = service, sock, b"", None
        self.fds = []
        sock.setblocking(False)
        service.sel.register(sock, selectors.EVENT_READ, self)
        service.controls.add(self)

    def send(self, text):
        try:
            self.sock.send((text + "\n").encode("utf-8", "replace"))
        except OSError:
            pass

    def handle(self, s, mask):
        try:
            chunk, ancillary, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(2 * struct.calcsize("i")))
        except BlockingIOError:
            return
        except OSError:
            chunk, ancillary = b"", []
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                self.fds += list(struct.unpack("%di" % (len(data) // 4), data[: len(data) - len(data) % 4]))
        if not chunk:
            self.close()
            return
        self.data += chunk
        # Not past its own end: a run registered on a closed control would never be dropped.
        while b"\n" in self.data and self in self.service.controls:
            line, self.data = self.data.split(b"\n", 1)
            self.service.command(self, line.decode("utf-8", "replace").split())
        # Descriptors no command took are not kept.
        for fd in self.fds:
            os.close(fd)
        self.fds = []
        if len(self.data) > 4096:
            self.close()

    def close(self):
        if self not in self.service.controls:
            return
        self.service.controls.discard(self)
        self.service.sel.unregister(self.sock)
        self.sock.close()
        if self.run is not None:
            self.service.drop(self.run)

class Service:
    def __init__(self, path, slots, distccd_proc):
        self.path, self.slots, self.distccd = path, slots, distccd_proc
        self.sel = selectors.DefaultSelector()
        self.runs = collections.OrderedDict()
        self.controls = set()
        self.active = 0
        self.turn = 0
        self.log_data = b""
        self.told = {}
        self.told_at = 0
        self.entrance = None
        control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            os.unlink(path + "/control")
        except FileNotFoundError:
            pass
        control.bind(path + "/control")
        control.listen(64)
        self.control = Listener(self, control, lambda conn: Control(self, conn))
        os.set_blocking(distccd_proc.stderr.fileno(), False)
        self.sel.register(distccd_proc.stderr, selectors.EVENT_READ, self)

    # distccd's stderr
    def handle(self, f, mask):
        try:
            chunk = os.read(f.fileno(), 65536)
        except BlockingIOError:
            return
        if not chunk:
            self.sel.unregister(f)
            return
        self.log_data += chunk
        while b"\n" in self.log_data:
            line, self.log_data = self.log_data.split(b"\n", 1)
            for run in self.runs.values():
                run.control.send("log " + line.decode("utf-8", "replace"))
        self.log_data = self.log_data[-4096:]

    def command(self, control, words):
        if words[:1] == ["status"]:
            runs = [{"run": r.name, "jobs": len(r.relays), "waiting": len(r.queue)} for r in self.runs.values()]
            answer = {"running": True, "slots": self.slots, "busy": self.active, "runs": runs}
            if self.entrance:
                answer["entrance"] = self.entrance[0]
            control.send(json.dumps(answer))
            control.close()
        elif len(words) == 2 and words[0] == "entrance" and words[1].isdigit() and control.run is not None and len(control.fds) == 2 and self.entrance is None:
            listener, diag = control.fds
            control.fds = []
            diag = socket.socket(fileno=diag)
            diag.settimeout(1)
            self.entrance = (int(words[1]), Listener(self, socket.socket(fileno=listener), self.enter), diag)
        elif len(words) == 2 and words[0] == "run" and control.run is None and valid_name(words[1]) and words[1] not in self.runs:
            name = words[1]
            path = "%s/run-%s.sock" % (self.path, name)
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.bind(path)
            sock.listen(128)
            run = Run(name, control, None, path)
            run.listener = Listener(self, sock, lambda conn: Pending(self, run, conn))
            self.runs[name] = run
            control.run = run
            control.send("ok %s %d %d" % (path, self.slots, self.entrance[0] if self.entrance else 0))
            self.tell_others()
        else:
            control.send("error bad request")
            control.close()

    def drop(self, run):
        if self.runs.get(run.name) is not run:
            return
        del self.runs[run.name]
        self.sel.unregister(run.listener.sock)
        run.listener.sock.close()
        try:
            os.unlink(run.path)
        except OSError:
            pass
        for sock, _ in run.queue:
            sock.close()
        run.queue.clear()
        # Its slots are free at once: distccd sees the job's connection close and ends the compile.
        for relay in list(run.relays):
            relay.close()

    def enter(self, conn):
        """A connection to the TCP entrance: taken only when this login user made it."""
        try:
            host, port = conn.getpeername()[:2]
            if host == "127.0.0.1" and socket_owner(self.entrance[2], self.entrance[0], port) == os.getuid():
                Pending(self, None, conn)
                return
        except OSError:
            pass
        conn.close()

    def answer_probe(self, sock):
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", DISTCCD_PORT))
            reply = b"ok\n"
        except OSError as e:
            reply = ("error the node's distccd does not answer (%s)\n" % e).encode()
        finally:
            s.close()
        try:
            sock.setblocking(True)
            sock.settimeout(5)
            sock.sendall(reply)
        except OSError:
            pass
        sock.close()

    def dispatch(self):
        while self.active < self.slots:
            waiting = [r for r in self.runs.values() if r.queue]
            if not waiting:
                return
            # Round robin: the run after the one served last.
            names = list(self.runs.keys())
            waiting.sort(key=lambda r: (names.index(r.name) - self.turn - 1) % len(names))
            run = waiting[0]
            self.turn = names.index(run.name)
            client, first = run.queue.popleft()
            server = socket.socket()
            try:
                server.connect(("127.0.0.1", DISTCCD_PORT))
            except OSError:
                server.close()
                client.close()
                continue
            self.active += 1
            run.relays.add(Relay(self, run, client, server, first))

    def tell_others(self):
        """Each run hears what the other runs hold now (jobs, waiting jobs, runs), on change."""
        for run in self.runs.values():
            jobs = self.active - len(run.relays)
            waiting = sum(len(r.queue) for r in self.runs.values()) - len(run.queue)
            text = "others %d %d %d" % (jobs, waiting, len(self.runs) - 1)
            if self.told.get(run.name) != text:
                self.told[run.name] = text
                run.control.send(text)
        for name in list(self.told):
            if name not in self.runs:
                del self.told[name]

    def try_exit(self):
        """Ends the service once no run is left: under the lock, so no run starts meanwhile."""
        if self.controls or self.runs:
            return False
        lock = os.open(self.path + "/lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            return False
        # A run that connected before the lock was taken is served, not turned away.
        self.control.sock.setblocking(False)
        try:
            conn, _ = self.control.sock.accept()
            Control(self, conn)
            os.close(lock)
            return False
        except BlockingIOError:
            pass
        try:
            os.unlink(self.path + "/control")
        except OSError:
            pass
        self.stop()
        os._exit(0)

    def stop(self):
        if self.distccd.poll() is None:
            self.distccd.terminate()
            try:
                self.distccd.wait(5)
            except Exception:
                self.distccd.kill()

    def loop(self):
        signal.signal(signal.SIGTERM, lambda *a: (self.stop(), os._exit(1)))
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        idle = time.time()
        while True:
            try:
                for key, mask in self.sel.select(0.5):
                    key.data.handle(key.fileobj, mask)
            except Exception as e:
                # A bug here must not pass in silence: every run hears it (and reconnects).
                for run in self.runs.values():
                    run.control.send("error the node service failed: %r" % e)
                self.stop()
                try:
                    os.unlink(self.path + "/control")
                except OSError:
                    pass
                os._exit(1)
            # At most twice a second: a busy node starts and ends jobs far more often.
            if time.time() - self.told_at >= 0.5:
                self.told_at = time.time()
                self.tell_others()
            if self.distccd.poll() is not None:
                for run in self.runs.values():
                    run.control.send("error the node's distccd exited with status %s" % self.distccd.returncode)
                try:
                    os.unlink(self.path + "/control")
                except OSError:
                    pass
                os._exit(1)
            # Idle counts from the last run's end only: status requests (one every 100 ms, say)
            # must not keep a service without runs alive. A control still open is waited for
            # (it may be a run about to register; a status one is answered and closed at once),
            # and a run that is connecting holds the lock, which try_exit takes first.
            if self.runs:
                idle = time.time()
            elif time.time() - idle >= 0.2 and not self.controls:
                self.try_exit()

def valid_name(name):
    return 0 < len(name) <= 64 and all(c in SAFE and c != "/" for c in name)

def start_service(path, distccd, slots):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            # Nothing of the run's session stays open in the service (sshd waits for its pipes,
            # and the lock must go with the run that took it).
            os.closerange(3, w)
            os.closerange(w + 1, 65536)
            isolate()
            proc = start_distccd(distccd, slots)
            service = Service(path, slots, proc)
            os.write(w, b"ready\n")
            os.close(w)
            service.loop()
        except Fail as e:
            os.write(w, ("error %s\n" % e).encode("utf-8", "replace"))
        except Exception as e:
            os.write(w, ("error the node service failed: %r\n" % e).encode("utf-8", "replace"))
        os._exit(1)
    os.close(w)
    answer = b""
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        answer += chunk
        if answer.endswith(b"\n"):
            break
    os.close(r)
    os.waitpid(pid, os.WNOHANG)
    line = answer.decode("utf-8", "replace").strip()
    if line != "ready":
        raise Fail(line[6:] if line.startswith("error ") else "the node service did not start")

# --- a run's session -------------------------------------------------------------------------

def session(distccd, slots, name, port):
    path = private_dir()
    lock = os.open(path + "/lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
    control = connect_control(path)
    if control is None:
        start_service(path, distccd, slots)
        control = connect_control(path)
        if control is None:
            raise Fail("the node service does not answer")
    control.sendall(("run %s\n" % name).encode())
    line, pending = read_line(control, 10)
    reply = line.split()
    if len(reply) != 4 or reply[0] != "ok" or not reply[3].isdigit():
        os.close(lock)
        raise Fail("the node service refused the run: %s" % " ".join(reply))
    entrance = int(reply[3])
    if port and entrance == 0:
        # Still under the lock: no other run hands the service an entrance meanwhile.
        listener, diag = bind_entrance(port)
        fds = struct.pack("2i", listener.fileno(), diag.fileno())
        control.sendmsg([b"entrance %d\n" % port], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
        listener.close()
        diag.close()
    elif port and entrance != port:
        os.close(lock)
        raise Fail("the node service listens on 127.0.0.1:%d, but this key may open 127.0.0.1:%d only: end the other runs on this node, or run demerge setup node --restrict again" % (entrance, port))
    os.close(lock)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    say("ready %s %s" % (reply[1], reply[2]) + (" 127.0.0.1:%d %s" % (port, name) if port else ""))

    def take(data):
        """The service's lines, passed on; an exit status when the service gave up."""
        nonlocal pending
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            text = line.decode("utf-8", "replace")
            if text.startswith("others "):
                say(text)
            elif text.startswith("log "):
                sys.stderr.write(text[4:] + "\n")
            elif text.startswith("error "):
                sys.stderr.write("demerge-node: " + text[6:] + "\n")
                return 1
        sys.stderr.flush()
        return None

    if take(b"") is not None:
        return 1
    sel = selectors.DefaultSelector()
    sel.register(0, selectors.EVENT_READ)
    sel.register(control, selectors.EVENT_READ)
    deadline = time.time() + HEARTBEAT_TIMEOUT
    while True:
        events = sel.select(max(0, deadline - time.time()))
        if not events:
            return 0
        for key, mask in events:
            if key.fileobj == 0:
                data = os.read(0, 64)
                if not data:
                    return 0
                deadline = time.time() + HEARTBEAT_TIMEOUT
            else:
                data = control.recv(65536)
                if not data:
                    sys.stderr.write("demerge-node: the node service ended\n")
                    return 1
                if take(data) is not None:
                    return 1

def status():
    try:
        path = private_dir()
    except Fail as e:
        say(json.dumps({"running": False, "problem": str(e)}))
        return 0
    control = connect_control(path)
    if control is None:
        say(json.dumps({"running": False}))
        return 0
    control.sendall(b"status\n")
    say(read_line(control, 10)[0] or json.dumps({"running": False}))
    return 0

def main(argv):
    if argv[:1] == ["demerge-node"]:
        argv = argv[1:]
    try:
        if argv[:1] == ["status"] and len(argv) == 1:
            return status()
        if len(argv) in (4, 5) and argv[0] == "run":
            distccd, slots, name = argv[1], argv[2], argv[3]
            port = argv[4] if len(argv) == 5 else "0"
            if not port.isdigit() or not 0 <= int(port) <= 65535:
                raise Fail("bad port")
            if not distccd or not all(c in SAFE for c in distccd):
                raise Fail("unsafe distccd path")
            if not slots.isdigit() or not 0 < int(slots) <= 4096:
                raise Fail("bad slot count")
            if not valid_name(name):
                raise Fail("bad run name")
            return session(distccd, int(slots), name, int(port))
        raise Fail("usage: run DISTCCD SLOTS RUN [PORT] | status")
    except Fail as e:
        sys.stderr.write("demerge-node: %s\n" % e)
        return 1

sys.exit(main(sys.argv[1:]))
`;
