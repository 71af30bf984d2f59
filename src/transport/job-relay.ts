// The connector's relay: one job's bytes between distcc's pipes and the node connection's
// forwarded unix socket (<run>/tunnel/<n>.jobs, which the run's ssh master listens on and
// forwards to the run's socket on the node). OpenSSH's own `ssh -W` reaches unix sockets only
// from 9.4 on, so a small relay does it: perl when the front end has it (about 7 ms to start,
// Gentoo's stage3 carries it), else python3 (Portage's own, about 30 ms).
//
// Both do the same: connect, copy both ways, pass distcc's end of file on as a half close
// (shutdown), and exit when the node side closes, which it does once distccd sent the result.
// distcc makes both ends of its socketpairs to "ssh" non-blocking before it starts it (OpenSSH
// copes), so the relay makes its stdin and stdout blocking first: else a result larger than the
// socket's buffer meets EAGAIN, the relay ends early and the job fails (distcc: "unexpected eof").

export type RelayInterpreter = 'perl' | 'python3';

const PERL_RELAY = [
  'use Socket;use Fcntl;',
  'for my $h (\\*STDIN,\\*STDOUT){my $f=fcntl($h,F_GETFL,0);fcntl($h,F_SETFL,$f&~O_NONBLOCK) if defined $f;}',
  'socket(S,AF_UNIX,SOCK_STREAM,0)&&connect(S,pack_sockaddr_un($ARGV[0]))||exit 255;',
  'my $i=1;',
  'sub w{my($f,$d)=@_;while(length $d){my $n=syswrite($f,$d);exit 1 if !defined $n;substr($d,0,$n)="";}}',
  'w(\\*S,"DEMR $ARGV[1]\\n") if defined $ARGV[1];',
  'while(1){my $r="";vec($r,0,1)=1 if $i;vec($r,fileno(S),1)=1;',
  'next if select($r,undef,undef,undef)<1;',
  'if($i&&vec($r,0,1)){my $n=sysread(STDIN,my $b,65536);if(!$n){$i=0;shutdown(S,1);}else{w(\\*S,$b);}}',
  'if(vec($r,fileno(S),1)){my $n=sysread(S,my $b,65536);last if !$n;w(\\*STDOUT,$b);}}',
].join('');

const PYTHON_RELAY = [
  'import os,select,socket,sys',
  'for fd in (0,1):\n try:\n  os.set_blocking(fd,True)\n except OSError:\n  pass',
  's=socket.socket(socket.AF_UNIX)',
  'try:\n s.connect(sys.argv[1])\nexcept OSError:\n sys.exit(255)',
  'if len(sys.argv)>2:\n s.sendall(b"DEMR "+sys.argv[2].encode()+b"\\n")',
  'i=True',
  'def w(fd,d):\n while d:\n  d=d[os.write(fd,d):]',
  'while True:\n r=select.select(([0] if i else [])+[s],[],[])[0]\n if 0 in r:\n  b=os.read(0,65536)\n  if b:\n   s.sendall(b)\n  else:\n   i=False;s.shutdown(socket.SHUT_WR)\n if s in r:\n  b=s.recv(65536)\n  if not b:\n   break\n  w(1,b)',
].join('\n');

/**
 * The words that relay one job to `socket`: interpreter, its flags, the program, the socket, and
 * the run's name on the node when the job goes to the node service's TCP entrance (the relay
 * then sends `DEMR <run>` first, remote-command.ts's entranceHeader).
 */
export function relayWords(interpreter: { kind: RelayInterpreter; path: string }, socket: string, entranceRun?: string): string[] {
  const run = entranceRun === undefined ? [] : [entranceRun];
  return interpreter.kind === 'perl'
    ? [interpreter.path, '-e', PERL_RELAY, socket, ...run]
    : [interpreter.path, '-I', '-S', '-c', PYTHON_RELAY, socket, ...run];
}
