# port.sh - sourced by the harnesses (pg.sh, pg-ha.sh, rgw.sh):
#   free_port    a TCP port on 20000-59999 nobody listens on now (another
#                process may take it before it is bound: the callers retry
#                or fail clearly)
free_port() {
	local p
	while :; do
		p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
	done
}
