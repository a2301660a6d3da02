#!/bin/bash
# A one-node Slurm cluster on loopback for the search integration test, from Debian's slurm-wlm and munge.
#   slurm-cluster.sh start DIR   installs them with apt when missing (as root), starts munged, slurmctld and slurmd
#                                with a generated slurm.conf in DIR, waits for the node; prints SLURM_CONF=...
#   slurm-cluster.sh stop DIR    stops the daemons started in DIR (by their pid files)
# Containers without systemd or cgroups: proctrack/linuxproc, task/none, no accounting, munged by hand with its
# own key and socket. Exits 77 with the reason on stderr when the cluster cannot be started (the test skips).
set -uo pipefail
cmd=${1:?start or stop}
dir=${2:?a folder}
skip() { echo "slurm-cluster: $*" >&2; exit 77; }

stop() {
  for name in slurmd slurmctld munged; do
    f="$dir/$name.pid"
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    rm -f "$f"
  done
}
if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "slurm-cluster: unknown command $cmd" >&2; exit 2; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = 0 ] || skip "slurm-wlm and munge are not installed and this is not root (apt-get install -y slurm-wlm munge)"
  command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge; } >"$dir/apt.log" 2>&1 ||
    skip "apt-get install slurm-wlm munge failed (see $dir/apt.log)"
fi
[ "$(id -u)" = 0 ] || skip "slurmd must run as root to start jobs"

mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
chmod 700 "$dir/munge"
# Ports from this process id, so two test runs on one machine do not collide.
base=$((20000 + ($$ % 20000) * 2))
node=lensfindnode
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$dir/munge/munge.key"
/usr/sbin/munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munge.seed" ||
  skip "munged did not start (see $dir/munge/munged.log)"

cat >"$dir/slurm.conf" <<CONF
ClusterName=lensfindtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
MpiDefault=none
ReturnToService=2
JobRequeue=1
SchedulerParameters=defer_batch
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=4 RealMemory=16000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
/usr/sbin/slurmctld -i || { stop; skip "slurmctld did not start (see $dir/slurmctld.log)"; }
/usr/sbin/slurmd -N "$node" || { stop; skip "slurmd did not start (see $dir/slurmd.log)"; }
for _ in $(seq 60); do
  state=$(sinfo -h -N -o %T 2>/dev/null | head -1)
  [ "$state" = idle ] && { echo "SLURM_CONF=$SLURM_CONF"; exit 0; }
  sleep 0.5
done
log=$(tail -5 "$dir/slurmd.log" "$dir/slurmctld.log" 2>/dev/null)
stop
skip "the node did not become idle in 30 s (state '${state:-none}'); logs: $log"
