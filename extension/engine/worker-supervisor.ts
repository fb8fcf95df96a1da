// Keeps the frame worker alive: a worker that throws an uncaught error or stops answering a
// heartbeat is terminated and replaced, and everyone holding a port to the old one is told so
// (they reconnect at once instead of waiting for deadlines).
//
// The replacement is a warm standby when there is one: a second frame worker, configured like
// the serving one, with its generator loaded and a face tracker started and warmed up, that
// serves nothing until it takes over. A fresh worker needs ~7 s on 2 cores before it processes
// again (tasks-vision and onnxruntime WASM compiled, models loaded, FaceLandmarker's graph and
// first detection); the standby takes over in well under a second. It costs memory (a second
// generator session and tracker, idle) and one load's CPU some seconds after each start.
// On fewer than 4 cores there is no standby: there, its second compile of the same WASM
// modules kept V8's background compiler threads busy for tens of seconds after each start
// (measured: the page's track at 7-10 fps after a fault, the toolbar popup not loading for
// 30 s), which costs the call more than the 6 s of raw video a fresh worker costs.
import * as Comlink from 'comlink';
import type { FrameWorkerApi } from '../../worker/worker-api';

export interface SupervisorOptions {
  url: URL;
  /** Brings a new worker (serving or standby) to the current configuration. */
  onStart(api: Comlink.Remote<FrameWorkerApi>): Promise<void>;
  /** The previous worker is gone; its ports are dead. */
  onRestart(reason: string): void;
}

export interface SupervisedWorker {
  /** The worker serving the pages' tracks. */
  api(): Comlink.Remote<FrameWorkerApi>;
  /** Every live worker, the standby included: configuration changes go to all. */
  all(): Comlink.Remote<FrameWorkerApi>[];
  restarts(): number;
  /** Whether a standby is loaded and ready to take over. */
  standbyReady(): boolean;
  /** Whether this machine keeps a standby at all (see STANDBY_MIN_CORES). */
  standbyEnabled(): boolean;
}

const HEARTBEAT_MS = 125;
/**
 * A worker silent this long is taken for dead. FaceLandmarker (whose graph start blocks a
 * thread for 0.2-0.7 s, shared/README.md) runs in the tracker worker, so the frame worker's
 * longest task is a fuse (~5-20 ms). A worker that keeps being "dead" right after a restart
 * gets twice the patience each time, so a slow machine cannot trap it in a restart loop.
 */
const DEAD_AFTER_MS = 500;
const MAX_DEAD_AFTER_MS = 8000;
/**
 * A worker that has not answered its first ping yet is still loading its module (and, on a
 * busy machine, that can take a second or two): it gets this long before it counts as dead.
 */
const STARTUP_GRACE_MS = 4000;
/** After this long without trouble the patience goes back to DEAD_AFTER_MS. */
const HEALTHY_RESET_MS = 20_000;
/**
 * The standby starts this long after a worker took over serving, so that its load (seconds
 * of CPU on 2 cores) does not slow the serving worker's own start and the call's first frames.
 */
const STANDBY_DELAY_MS = 8000;
/** A warm standby needs cores to spare: below this, a fault restarts a fresh worker instead. */
const STANDBY_MIN_CORES = 4;

interface Slot {
  worker: Worker;
  api: Comlink.Remote<FrameWorkerApi>;
  lastAnswer: number;
  pinging: boolean;
  answered: boolean;
  ready: boolean;
  gone: boolean;
}

export function superviseFrameWorker(options: SupervisorOptions): SupervisedWorker {
  let serving: Slot;
  let standby: Slot | null = null;
  let standbyTimer: ReturnType<typeof setTimeout> | undefined;
  let restarts = 0;
  let patience = DEAD_AFTER_MS;
  let lastRestart = -Infinity;

  function spawn(): Slot {
    const worker = new Worker(options.url, { type: 'module', name: 'critter-cam-frames' });
    const slot: Slot = {
      worker,
      api: Comlink.wrap<FrameWorkerApi>(worker),
      lastAnswer: performance.now(),
      pinging: false,
      answered: false,
      ready: false,
      gone: false,
    };
    worker.addEventListener('error', (event) => failed(slot, `frame worker error: ${event.message || 'unknown'}`));
    void options
      .onStart(slot.api)
      .then(() => (slot === standby ? slot.api.prepareStandby() : undefined))
      .then(() => (slot.ready = true))
      .catch(() => undefined);
    return slot;
  }

  function kill(slot: Slot) {
    slot.gone = true;
    slot.api[Comlink.releaseProxy]();
    slot.worker.terminate();
  }

  const standbyEnabled = (navigator.hardwareConcurrency ?? 1) >= STANDBY_MIN_CORES;

  function scheduleStandby() {
    if (!standbyEnabled) return;
    clearTimeout(standbyTimer);
    standbyTimer = setTimeout(() => {
      if (!standby) standby = spawn();
    }, STANDBY_DELAY_MS);
  }

  function failed(slot: Slot, reason: string) {
    if (slot.gone) return;
    if (slot === serving) {
      restart(reason);
    } else if (slot === standby) {
      // Nobody depends on a standby: replace it quietly.
      kill(slot);
      standby = null;
      scheduleStandby();
    }
  }

  function restart(reason: string) {
    const now = performance.now();
    patience = now - lastRestart < HEALTHY_RESET_MS ? Math.min(patience * 2, MAX_DEAD_AFTER_MS) : DEAD_AFTER_MS;
    lastRestart = now;
    restarts++;
    kill(serving);
    // A standby that answers takes over even if still loading: it is further along than a new one.
    if (standby?.answered) {
      serving = standby;
      serving.lastAnswer = now;
      standby = null;
    } else {
      if (standby) kill(standby);
      standby = null;
      serving = spawn();
    }
    scheduleStandby();
    options.onRestart(reason);
  }

  function heartbeat(slot: Slot) {
    const now = performance.now();
    if (now - slot.lastAnswer > (slot.answered ? patience : STARTUP_GRACE_MS)) {
      failed(slot, `frame worker silent for ${Math.round(now - slot.lastAnswer)} ms`);
      return;
    }
    if (slot.pinging) return;
    slot.pinging = true;
    slot.api
      .ping()
      .then(() => {
        if (slot.gone) return;
        slot.lastAnswer = performance.now();
        slot.answered = true;
        slot.pinging = false;
      })
      .catch(() => undefined);
  }

  setInterval(() => {
    heartbeat(serving);
    if (standby) heartbeat(standby);
  }, HEARTBEAT_MS);

  serving = spawn();
  scheduleStandby();
  return {
    api: () => serving.api,
    all: () => (standby ? [serving.api, standby.api] : [serving.api]),
    restarts: () => restarts,
    standbyReady: () => standby?.ready === true,
    standbyEnabled: () => standbyEnabled,
  };
}
