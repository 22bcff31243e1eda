// The process monitor lives in @locust-ts/protocol: the master samples its own CPU as well.
export { type CpuClock, CpuSampler, PROCESS_CLOCK, ProcessMonitor, type ProcessMonitorOptions } from '@locust-ts/protocol';
