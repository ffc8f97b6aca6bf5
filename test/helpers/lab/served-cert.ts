// The certificate nginx serves on a lab host's port 443, and a wait for a reload to show.
import { runInHost } from '../../../scripts/lab/faults.js';

/** The subject line (`subject=CN = ...`) of the certificate served on the host's 127.0.0.1:443. */
export async function servedSubject(host: string): Promise<string> {
  return (
    await runInHost(
      host,
      'echo | openssl s_client -connect 127.0.0.1:443 2>/dev/null | openssl x509 -noout -subject',
    )
  ).trim();
}

/**
 * Waits until the host serves a certificate for this CN: `systemctl reload nginx` returns once the signal is
 * sent, and the old workers may answer for a moment longer.
 */
export async function waitForServedCn(host: string, cn: string, timeoutMs = 10_000): Promise<void> {
  await waitForServedSubject(host, `subject=CN = ${cn}`, timeoutMs);
}

/** Waits until the host serves a certificate whose subject line (as servedSubject prints it) is this one. */
export async function waitForServedSubject(host: string, subject: string, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; (await servedSubject(host)) !== subject; waited += 100) {
    if (waited >= timeoutMs)
      throw new Error(`${host}: nginx does not serve ${subject} ${timeoutMs / 1000} s after its reload`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
