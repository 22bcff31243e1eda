/**
 * Locust's protocol constants, named as Locust names them (spec §4).
 * Kept in one place so master and worker cannot drift apart.
 */

/** Default ROUTER port of a Locust master (spec §1.1). */
export const DEFAULT_MASTER_PORT = 5557;
/** Default web UI port (spec §8). */
export const DEFAULT_WEB_PORT = 8089;

/** Worker heartbeat period and master liveness tick, seconds (spec §4). */
export const HEARTBEAT_INTERVAL = 1;
/** Heartbeat credit given on each heartbeat / registration (spec §4). */
export const HEARTBEAT_LIVENESS = 3;
/** Credit at which a missing worker is deleted (spec §4). */
export const HEARTBEAT_DEAD_INTERNAL = -60;
/** [HEAD] a worker quits after this long without master heartbeats, seconds (spec §3.3). */
export const MASTER_HEARTBEAT_TIMEOUT = 60;
/** Worker stats report period, seconds (spec §3.7). */
export const WORKER_REPORT_INTERVAL = 3;
/** [HEAD] worker log report period, seconds (spec §3.13). */
export const WORKER_LOG_REPORT_INTERVAL = 10;
/** CPU/memory sampling period, seconds (spec §4; 2.12.1 value, first sample immediate). */
export const CPU_MONITOR_INTERVAL = 5;
/** CPU warning threshold, percent (spec §4). */
export const CPU_WARNING_THRESHOLD = 90;
/** Worker waits this long for `ack` before re-sending `client_ready`, seconds (spec §3.1). */
export const CONNECT_TIMEOUT = 5;
/** How many times a worker re-sends `client_ready` before giving up (spec §3.1). */
export const CONNECT_RETRY_COUNT = 60;
/** Master pause after a ZMQ error, seconds (spec §4). */
export const FALLBACK_INTERVAL = 5;
/** TCP keepalive as Locust sets it on both sockets (spec §1.3). */
export const TCP_KEEPALIVE_IDLE = 30;

