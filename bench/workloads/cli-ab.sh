#!/usr/bin/env bash
# Alternating cold CLI runs of two checkouts (each built): ROUNDS rounds, each running
# `node bin/podfit.js bench ARGS -o json` in A, then in B; prints the median, range and checksums.
#
#   bash bench/workloads/cli-ab.sh /path/to/A /path/to/B 10 SchedulingBasic --workers 0
set -euo pipefail
A=$1; B=$2; ROUNDS=$3; shift 3
for _ in $(seq "$ROUNDS"); do
  for R in "$A" "$B"; do
    echo "$R $(cd "$R" && node bin/podfit.js bench "$@" -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.throughput.average,r.placementChecksum,r.workers??0)})')"
  done
done | node -e '
let s = "";
process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const m = new Map();
  for (const l of s.trim().split("\n")) {
    const [r, t, c, w] = l.split(" ");
    if (!m.has(r)) m.set(r, { t: [], c: new Set(), w: new Set() });
    const e = m.get(r);
    e.t.push(+t); e.c.add(c); e.w.add(w);
  }
  for (const [r, e] of m) {
    const a = [...e.t].sort((x, y) => x - y);
    const med = a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    console.log(`${r}: median ${Math.round(med)} pods/s, ${Math.round(a[0])}-${Math.round(a[a.length - 1])}, checksum ${[...e.c].join(",")}, workers ${[...e.w].join(",")}; runs ${e.t.map(Math.round).join(" ")}`);
  }
});'
