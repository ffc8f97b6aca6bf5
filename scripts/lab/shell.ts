// The lab's command runner: zx with command output kept quiet (failures still carry stderr in the error).
import { $ } from 'zx';

/** zx `$` that does not echo commands or their output. */
export const sh = $({ quiet: true });
