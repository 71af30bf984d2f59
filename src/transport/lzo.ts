// When `--dry-check` should suggest distcc's lzo option for a node, from the round trip it measured.
//
// lzo compresses the preprocessed source on the way out and the object file on the way back,
// typically to a quarter, at a few milliseconds of CPU per megabyte on each end. On a switched
// LAN (gigabit, round trips well under a millisecond) a megabyte crosses in ~8 ms, so the saving
// and the CPU cost about cancel out. A round trip of several milliseconds means something slower
// is in the path (Wi-Fi, a VPN, a WAN or a congested uplink), where bandwidth is typically
// 100 Mbit/s or less: there each job's megabyte takes 80 ms or more and lzo saves most of it.
// RTT is the one figure the checks measure anyway, so it stands in for bandwidth here.
export const LZO_RTT_THRESHOLD_MS = 5;

export function suggestLzo(rttMs: number): boolean {
  return Number.isFinite(rttMs) && rttMs >= LZO_RTT_THRESHOLD_MS;
}
