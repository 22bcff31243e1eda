/**
 * Everything a locustfile imports (`import { HttpUser, task, between } from 'locust-ts'`).
 * The locustfile loader hands exactly these objects to locustfiles wherever they live on disk.
 */
export { User, HttpUser, type UserClass, type UserEnvironment } from './user.js';
export { FastHttpUser, type RestResponse, type RestCheck } from './fast-http-user.js';
export { TaskSet, SequentialTaskSet, MarkovTaskSet, type TaskSetClass } from './task-set.js';
export { task, type TaskSpec, type TaskFunction } from './task.js';
export { tag } from './tags.js';
export { transition, transitions } from './markov.js';
export { between, constant, constantPacing, constantThroughput, type WaitTime } from './wait-time.js';
export { StopUser, StopTest, InterruptTaskSet, RescheduleTask } from './errors.js';
export { runSingleUser, type RunSingleUserOptions, type SingleUserEnvironment } from './debug.js';
export { HttpSession, type RequestOptions, type QueryParams } from './http/session.js';
export { HttpResponse, HTTPError, type Json } from './http/response.js';
export { LoadTestShape, type LoadTestShapeTick, type ShapeUserClassRef, type ShapeRunner } from './shape.js';
export {
  events,
  EventHook,
  type Environment,
  type LocustRunner,
  type WorkerNodes,
  type WorkerNodeInfo,
  type MessageHandler,
  type CustomMessageEnvelope,
  type RequestEventArgs,
  type ArgumentParser,
  type ArgumentOptions,
  type WebUi,
  type WebUiApp,
  type WebUiRequest,
  type WebUiReply,
  type WebUiHandler,
  type AuthArgs,
  type LoginAttempt,
} from '@locust-ts/protocol';
