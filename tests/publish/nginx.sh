# Serving a `lifeline publish` directory with Debian's nginx from a test
# script; source it. No system service: an nginx of our own, one worker, on
# a free port of 127.0.0.1, with its config, pid file, logs and temporary
# directories under a work directory, including the publication's own
# nginx.conf as an operator would.
#
#   start_nginx WORK DIR   serves DIR; sets NGINX_URL and NGINX_PID. WORK
#       and DIR must be readable by the worker (nginx runs it as nobody
#       when started by root).
#   stop_nginx             stops it, if started.
NGINX_PID=""
NGINX_URL=""

start_nginx() {
	local work=$1 dir=$2 nginx=${NGINX:-/usr/sbin/nginx} port
	if [ ! -x "$nginx" ]; then
		echo "nginx.sh: $nginx is missing: run scripts/deps.sh (apt-get install nginx-light)" >&2
		return 1
	fi
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$work/nginx-tmp"
	cat >"$work/nginx-test.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 64; }
http {
	access_log $work/nginx-access.log;
	client_body_temp_path $work/nginx-tmp/body;
	proxy_temp_path $work/nginx-tmp/proxy;
	fastcgi_temp_path $work/nginx-tmp/fastcgi;
	uwsgi_temp_path $work/nginx-tmp/uwsgi;
	scgi_temp_path $work/nginx-tmp/scgi;
	server {
		listen 127.0.0.1:$port;
		root $dir;
		include $dir/nginx.conf;
	}
}
CONF
	"$nginx" -t -q -p "$work" -c "$work/nginx-test.conf" || return 1
	"$nginx" -p "$work" -c "$work/nginx-test.conf" -g 'daemon off;' &
	NGINX_PID=$!
	NGINX_URL="http://127.0.0.1:$port"
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "$NGINX_URL/checkpoint" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "nginx.sh: nginx did not answer on $NGINX_URL:" >&2
	cat "$work/nginx-error.log" >&2
	stop_nginx
	return 1
}

stop_nginx() {
	[ -n "$NGINX_PID" ] || return 0
	kill "$NGINX_PID" 2>/dev/null
	wait "$NGINX_PID" 2>/dev/null
	NGINX_PID=""
}
