/**
 * DefaultBinder (kube `defaultbinder`, Bind): binds the pod through the profile's Binder (an
 * in-memory snapshot or a Binding object via the API). A failure becomes an Error status carrying
 * the cause, as kube's `framework.AsStatus(err)`.
 */
import type { BindPlugin, FrameworkHandle, PluginDefinition } from '../../framework/interfaces.js';
import { Status } from '../../framework/status.js';

/** kube's plugin name. */
export const NAME = 'DefaultBinder';

/** kube's framework.AsStatus(err). */
function asStatus(e: unknown): Status {
  return Status.error(e instanceof Error ? e : new Error(String(e)));
}

/** Registry entry for DefaultBinder. */
export const definition: PluginDefinition = {
  name: NAME,
  points: ['bind'],
  implemented: true,
  // Binds through the Binder; reads nothing of the CycleState.
  traits: { bindingStateless: true },
  factory: (_args: unknown, handle: FrameworkHandle): BindPlugin => {
    const { binder } = handle;
    const plugin: BindPlugin = {
      name: NAME,
      async bind(_cs, pod, nodeName) {
        try {
          await binder.bind(pod, nodeName);
          return null;
        } catch (e) {
          return asStatus(e);
        }
      },
    };
    // A binder that binds synchronously makes this plugin bind synchronously too.
    if (binder.bindSync) {
      plugin.bindSync = (_cs, pod, nodeName) => {
        try {
          binder.bindSync!(pod, nodeName);
          return null;
        } catch (e) {
          return asStatus(e);
        }
      };
    }
    return plugin;
  },
};
