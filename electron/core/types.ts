import type { MethodArgs, MethodName, MethodOutput } from '../../shared/api';

/** Who is calling: the Electron window, or a browser through the host. Later: staff and paired device. */
export interface CallContext {
  transport: 'ipc' | 'http';
}

/** One function per contract method; receives input already validated (defaults applied). */
export type Handlers = {
  [M in MethodName]: (args: MethodArgs<M>, ctx: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>;
};
