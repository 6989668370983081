#!/usr/bin/env bash
# A real single-machine Slurm for tests and CI: munged, slurmctld and slurmd on this host, one
# node with this machine's CPUs and memory (from `slurmd -C`) and two fake GPUs, in partition
# `debug`. Idempotent: when the cluster is already up with this configuration it returns at
# once; otherwise it (re)writes the configuration, (re)starts what is not running and waits
# until `sinfo` shows the node idle.
#
#   test/util/slurm-up.sh            start (or check) the cluster; exit 0 when it is usable
#   test/util/slurm-up.sh --install  first apt-get install munge, slurmctld, slurmd, slurm-client
#   test/util/slurm-up.sh --down     stop the daemons this script started
#
# Exit 0: up. Exit 3: Slurm is not installed (and --install was not given). Exit 4: not root.
# Exit 5: this machine has another Slurm configuration. Other: failed.
# Needs root (slurmd runs jobs as their user; the daemons run as root here, which is fine for a
# throwaway test cluster, never for a real one).
#
# No accounting (no slurmdbd, AccountingStorageType=none): layerfuse follows jobs with squeue
# and `scontrol show job`, which knows a finished job for MinJobAge seconds (set to an hour).
#
# The configuration goes to /etc/slurm/slurm.conf, where every Slurm command looks, so sbatch
# and friends work as on a cluster's login node. A slurm.conf that this script did not write
# (a real cluster's) is never touched, and the script exits 5: tests must not send jobs to a
# real cluster (their files sit in this machine's /tmp).
set -euo pipefail

MARK='# written by layerfuse test/util/slurm-up.sh'
CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
GRES=$CONF_DIR/gres.conf
BASE=${LAYERFUSE_SLURM_STATE:-/var/spool/layerfuse-slurm}
RUN=/run/layerfuse-slurm
LOGS=/var/log/layerfuse-slurm

log() { echo "slurm-up: $*" >&2; }

installed() { command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && command -v sbatch >/dev/null; }

pid_running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_daemon() {
  local pidfile=$1
  if pid_running "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# Test files run in parallel and each may call this: one at a time. The daemons started below
# must not inherit fd 9 (`9>&-`): a daemon holding the lock would block every later call.
if exec 9>>"$RUN.lock" 2>/dev/null; then flock 9; fi

if [ "${1:-}" = "--down" ]; then
  stop_daemon "$RUN/slurmd.pid"
  stop_daemon "$RUN/slurmctld.pid"
  stop_daemon "$RUN/munged.pid"
  exit 0
fi

if ! installed; then
  if [ "${1:-}" = "--install" ]; then
    log "installing munge and Slurm (apt)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends munge slurmctld slurmd slurm-client >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends munge slurmctld slurmd slurm-client >/dev/null; }
  else
    log "Slurm is not installed (slurmctld, slurmd, munged, sbatch); rerun with --install"
    exit 3
  fi
fi

if [ "$(id -u)" != 0 ]; then
  log "needs root to start munged, slurmctld and slurmd"
  exit 4
fi

host=$(hostname -s)
if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
  log "$CONF belongs to another Slurm (not written by this script): not touching it, and not testing on it"
  exit 5
fi

# `slurmd -C` prints this machine as a NodeName line: CPUs, sockets, cores, threads, RealMemory.
node_line=$(slurmd -C | head -1 | sed -E "s/^NodeName=[^ ]+/NodeName=$host/")
mem=$(sed -nE 's/.*RealMemory=([0-9]+).*/\1/p' <<<"$node_line")
cpus=$(sed -nE 's/.*CPUs=([0-9]+).*/\1/p' <<<"$node_line")
mkdir -p "$BASE/ctld" "$BASE/d" "$BASE/gpu" "$RUN" "$LOGS"
# Two fake GPUs: gres/gpu wants a character device per GPU and sets CUDA_VISIBLE_DEVICES from
# the number at the end of its name, which is all a test of device assignment needs (task/none
# constrains nothing); links to /dev/null serve.
ln -sfn /dev/null "$BASE/gpu/fake-gpu0"
ln -sfn /dev/null "$BASE/gpu/fake-gpu1"

conf=$(cat <<EOF
$MARK
# A single-machine test cluster; do not use it for anything real.
ClusterName=layerfuse-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Small default memory and four jobs per core: tests run many short, light jobs at once on a
# two-core machine (nothing enforces memory here: no cgroups, no accounting).
DefMemPerCPU=1024
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=3600
KillWait=5
SlurmctldTimeout=30
SlurmdTimeout=30
StateSaveLocation=$BASE/ctld
SlurmdSpoolDir=$BASE/d
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
GresTypes=gpu
$node_line Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
)
gres="$MARK
NodeName=$host Name=gpu File=$BASE/gpu/fake-gpu[0-1]"

changed=0
mkdir -p "$CONF_DIR"
if [ "$(cat "$CONF" 2>/dev/null)" != "$conf" ]; then printf '%s\n' "$conf" >"$CONF"; changed=1; fi
if [ "$(cat "$GRES" 2>/dev/null)" != "$gres" ]; then printf '%s\n' "$gres" >"$GRES"; changed=1; fi

node_idle() { sinfo -h -n "$host" -o '%t' 2>/dev/null | grep -qxE '(idle|mixed|mix|alloc|allocated)'; }

if [ "$changed" = 0 ] && pid_running "$RUN/munged.pid" && pid_running "$RUN/slurmctld.pid" && pid_running "$RUN/slurmd.pid" && node_idle; then
  exit 0
fi

if [ "$changed" = 1 ]; then
  stop_daemon "$RUN/slurmd.pid"
  stop_daemon "$RUN/slurmctld.pid"
fi

if ! pid_running "$RUN/munged.pid"; then
  [ -s /etc/munge/munge.key ] || { mungekey --create --force 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null; }
  chown munge:munge /etc/munge/munge.key && chmod 600 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge && chown munge:munge /run/munge /var/lib/munge /var/log/munge
  # A munged already running (started by hand or by the package) makes this fail: keep it.
  runuser -u munge -- /usr/sbin/munged 2>/dev/null 9>&- || true
  for _ in $(seq 50); do [ -S /run/munge/munge.socket.2 ] && break; sleep 0.1; done
  pgrep -u munge -x munged | head -1 >"$RUN/munged.pid"
fi

if ! pid_running "$RUN/slurmctld.pid"; then
  log "starting slurmctld"
  slurmctld -i 9>&-
fi
if ! pid_running "$RUN/slurmd.pid"; then
  log "starting slurmd"
  slurmd 9>&-
fi

for i in $(seq 120); do
  if node_idle; then exit 0; fi
  # A node left down or drained by an earlier run comes back.
  if [ $((i % 10)) = 0 ]; then scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true; fi
  sleep 0.5
done
log "the node did not become idle; sinfo says:"
sinfo -N -l >&2 || true
log "logs: $LOGS/slurmctld.log $LOGS/slurmd.log"
exit 1
