#!/usr/bin/env bash
# A throwaway Kubernetes control plane on 127.0.0.1 for the k8s tests:
# etcd, kube-apiserver (token auth, RBAC) and kube-controller-manager
# (garbage collector only: owner references of BpfProgram objects), from
# the cached binaries of tests/k8s/get-kube.sh.
#   control-plane.sh start DIR   # ready when it returns; DIR/kubeconfig
#   control-plane.sh stop DIR    # kills what start started (pid files)
#   control-plane.sh restart-apiserver DIR  # kube-apiserver only, same port
# Ports are free ones picked at start and kept in DIR/ports. Logs are in
# DIR/*.log. The admin token is in DIR/tokens.csv (system:masters).
# KUBE_APISERVER_FLAGS: more kube-apiserver flags, split on spaces (the
# benchmark's audit log).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: control-plane.sh start|stop|restart-apiserver DIR}
dir=${2:?usage: control-plane.sh start|stop|restart-apiserver DIR}
kube=
etcd_port= peer_port= api_port= kcm_port=

stop() {  # WHICH...: kcm apiserver etcd
  local p f
  for f in "$@"; do
    [ -f "$dir/$f.pid" ] || continue
    p=$(cat "$dir/$f.pid")
    kill "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    rm -f "$dir/$f.pid"
  done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_ready() {  # URL WHAT PIDFILE
  for _ in $(seq 600); do
    if curl -ksf -H "Authorization: Bearer admintoken" "$1" >/dev/null 2>&1; then return 0; fi
    kill -0 "$(cat "$3")" 2>/dev/null || { echo "$2 exited; see $dir/$2.log" >&2; tail -20 "$dir/$2.log" >&2; return 1; }
    sleep 0.1
  done
  echo "$2 not ready after 60 s; see $dir/$2.log" >&2
  return 1
}

start_apiserver() {
  "$kube/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --secure-port "$api_port" --cert-dir "$dir/certs" \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$dir/sa.pub" --service-account-signing-key-file "$dir/sa.key" \
    --token-auth-file "$dir/tokens.csv" --authorization-mode RBAC \
    --endpoint-reconciler-type=none --service-cluster-ip-range 10.96.0.0/16 \
    --advertise-address 127.0.0.1 ${KUBE_APISERVER_FLAGS:-} >>"$dir/apiserver.log" 2>&1 &
  echo $! >"$dir/apiserver.pid"
  wait_ready "https://127.0.0.1:$api_port/readyz" apiserver "$dir/apiserver.pid"
}

start() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -f "$dir/sa.key" ] || {
    openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
    openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  }
  echo "admintoken,admin,admin,system:masters" >"$dir/tokens.csv"
  if [ -f "$dir/ports" ]; then
    # A restart keeps the ports (the kubeconfig and clients keep working).
    read -r etcd_port peer_port api_port kcm_port <"$dir/ports"
  else
    etcd_port=$(free_port) peer_port=$(free_port) api_port=$(free_port) kcm_port=$(free_port)
    echo "$etcd_port $peer_port $api_port $kcm_port" >"$dir/ports"
  fi

  "$kube/etcd" --data-dir "$dir/etcd" --name cp \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "cp=http://127.0.0.1:$peer_port" --listen-metrics-urls "" \
    >>"$dir/etcd.log" 2>&1 &
  echo $! >"$dir/etcd.pid"

  cat >"$dir/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:$api_port
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: admintoken
contexts:
- name: test
  context: {cluster: test, user: admin}
current-context: test
KC
  start_apiserver

  # Garbage collection of owned objects needs the controller manager.
  "$kube/kube-controller-manager" --kubeconfig "$dir/kubeconfig" \
    --controllers=garbagecollector --use-service-account-credentials=false \
    --bind-address 127.0.0.1 --secure-port "$kcm_port" --cert-dir "$dir/kcm-certs" \
    --leader-elect=false >>"$dir/kcm.log" 2>&1 &
  echo $! >"$dir/kcm.pid"
  wait_ready "https://127.0.0.1:$kcm_port/healthz" kcm "$dir/kcm.pid"
  echo "$dir/kubeconfig"
}

case $cmd in
  start)
    kube=$("$here/get-kube.sh")
    start ;;
  stop) stop kcm apiserver etcd ;;
  restart-apiserver)
    kube=$("$here/get-kube.sh")
    dir=$(cd "$dir" && pwd)
    read -r etcd_port peer_port api_port kcm_port <"$dir/ports"
    stop apiserver
    start_apiserver ;;
  *) echo "usage: control-plane.sh start|stop|restart-apiserver DIR" >&2; exit 2 ;;
esac
