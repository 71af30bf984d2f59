// While the dashboard owns the terminal, emerge must not write to it, yet emerge colours its
// output and --ask works only when stdin/stdout are a terminal. So emerge gets a pseudo
// terminal of its own, run by this small Python program (Python is on every Gentoo system:
// Portage is written in it; node-pty would need a native build). demerge talks to it over
// pipes: stdin goes to the pty, the pty's output comes back on stdout, and fd 3 carries
// window sizes ("ROWS COLS\n"), "stop\n" and "cont\n" (Ctrl-Z and fg). The helper changes
// nothing else:
//  - SIGINT, SIGTERM, SIGHUP and SIGQUIT it receives go to emerge, once each as sent;
//  - it exits with emerge's status, or dies by the signal that killed emerge, so demerge
//    sees exactly what it would see running emerge directly;
//  - if demerge goes away (its pipe breaks), it hangs up the pty, as a closed terminal would.
// Run with `python3 -I` (no PYTHON* variables, no user site): nothing from the caller's
// environment reaches the helper itself; emerge gets the environment unchanged.

export const PTY_HELPER_SOURCE = String.raw`
import errno, fcntl, os, pty, resource, select, signal, struct, sys, termios

rows, cols = int(sys.argv[1]), int(sys.argv[2])
argv = sys.argv[3:]

def set_size(fd, r, c):
    if r > 0 and c > 0:
        try:
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', r, c, 0, 0))
        except OSError:
            pass

pid, master = pty.fork()
if pid == 0:
    set_size(0, rows, cols)
    try:
        attrs = termios.tcgetattr(0)
        attrs[0] |= getattr(termios, 'IUTF8', 0)
        # Newlines stay newlines: demerge's own terminal adds the carriage returns.
        attrs[1] &= ~termios.ONLCR
        termios.tcsetattr(0, termios.TCSANOW, attrs)
    except (OSError, termios.error):
        pass
    try:
        os.execv(argv[0], argv)
    except OSError as e:
        os.write(2, ('demerge: cannot run %s: %s\n' % (argv[0], e.strerror)).encode())
        os._exit(126 if e.errno == errno.EACCES else 127)

set_size(master, rows, cols)

def forward(signum, frame):
    try:
        os.kill(pid, signum)
    except OSError:
        pass

for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
    signal.signal(s, forward)

fcntl.fcntl(master, fcntl.F_SETFL, fcntl.fcntl(master, fcntl.F_GETFL) | os.O_NONBLOCK)
readers = [master, 0, 3]
to_pty = b''
control = b''
status = None
out_ok = True

def write_out(data):
    global out_ok
    if not out_ok:
        return
    view = memoryview(data)
    try:
        while view:
            n = os.write(1, view)
            view = view[n:]
    except OSError:
        out_ok = False

while True:
    if status is None:
        try:
            done, st = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done, st = pid, 0
        if done == pid:
            status = st
    writers = [master] if to_pty and master in readers else []
    try:
        r, w, _ = select.select(readers, writers, [], 0.05 if status is not None else 0.25)
    except InterruptedError:
        continue
    got_output = False
    if master in r:
        try:
            data = os.read(master, 65536)
        except BlockingIOError:
            data = None
        except OSError:
            data = b''
        if data == b'':
            readers.remove(master)
        elif data:
            got_output = True
            write_out(data)
            if not out_ok:
                # demerge is gone: hang up, as a closed terminal does.
                readers = []
                try:
                    os.kill(pid, signal.SIGHUP)
                except OSError:
                    pass
    if 0 in r:
        data = os.read(0, 65536)
        if not data:
            readers.remove(0)
        elif len(to_pty) < 1 << 20:
            to_pty += data
    if 3 in r:
        data = os.read(3, 4096)
        if not data:
            readers.remove(3)
        else:
            control += data
            while b'\n' in control:
                line, control = control.split(b'\n', 1)
                if line in (b'stop', b'cont'):
                    # Ctrl-Z: emerge is a session leader here, so the terminal's SIGTSTP would
                    # be dropped (orphaned process group); SIGSTOP its group instead, and
                    # SIGCONT it when demerge continues.
                    try:
                        os.killpg(os.tcgetpgrp(master), signal.SIGSTOP if line == b'stop' else signal.SIGCONT)
                    except OSError:
                        pass
                    continue
                try:
                    r_, c_ = (int(x) for x in line.split())
                    set_size(master, r_, c_)
                except ValueError:
                    pass
    if master in w and to_pty:
        try:
            n = os.write(master, to_pty)
            to_pty = to_pty[n:]
        except BlockingIOError:
            pass
        except OSError:
            to_pty = b''
    # emerge has exited: pass on what it printed last, then its status. Something it left
    # behind may keep the pty open; it is not waited for.
    if status is not None and (master not in readers or not got_output):
        break

try:
    os.close(master)
except OSError:
    pass
if os.WIFSIGNALED(status):
    sig = os.WTERMSIG(status)
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError):
        pass
    signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
    os.kill(os.getpid(), sig)
    os._exit(128 + sig)
os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)
`;
