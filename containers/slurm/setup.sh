#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for `braindock suite --executor slurm` and its engine tests:
# Debian's slurm-wlm + munge, munged as user munge, slurmctld and slurmd as root. Idempotent; needs root or sudo.
# On this kind of sandbox slurmd starts only with proctrack/linuxproc, task/none and no cgroup.conf.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "slurm: installing slurm-wlm and munge"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq slurm-wlm munge >/dev/null
fi
if [ ! -s /etc/munge/munge.key ]; then
  $SUDO mkdir -p /etc/munge
  $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
$SUDO chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge 2>/dev/null || true
$SUDO chmod 0400 /etc/munge/munge.key
$SUDO mkdir -p /run/munge && $SUDO chown munge:munge /run/munge
if ! pgrep -x munged >/dev/null; then
  echo "slurm: starting munged"
  $SUDO -u munge munged 2>/dev/null || $SUDO runuser -u munge -- munged
fi

host=$(hostname)
conf=/etc/slurm/slurm.conf
want="NodeName=$host CPUs=$(nproc)"
if ! grep -qs "^$want" "$conf"; then
  echo "slurm: writing $conf (one node: $host)"
  $SUDO mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
  $SUDO rm -f /etc/slurm/cgroup.conf
  $SUDO tee "$conf" >/dev/null <<CONF
ClusterName=braindock
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ReturnToService=2
MinJobAge=3600
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
$want RealMemory=$(( $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) - 1024 )) State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  $SUDO pkill -x slurmctld 2>/dev/null || true
  $SUDO pkill -x slurmd 2>/dev/null || true
  sleep 1
fi
pgrep -x slurmctld >/dev/null || { echo "slurm: starting slurmctld"; $SUDO slurmctld; }
pgrep -x slurmd >/dev/null || { echo "slurm: starting slurmd"; $SUDO slurmd; }
for _ in $(seq 1 30); do
  sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
  sleep 1
done
state=$(sinfo -h -o '%T' 2>/dev/null || true)
case "$state" in
  idle*|mixed*|allocated*) echo "slurm: node $host $state" ;;
  *) $SUDO scontrol update nodename="$host" state=resume 2>/dev/null || true
     sinfo -h -o '%T' | grep -qE '^(idle|mixed|allocated)' || { echo "slurm: node not ready ($state); see /var/log/slurm/" >&2; exit 1; } ;;
esac
