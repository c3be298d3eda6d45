// `npm run operator -- grant EMAIL` (or `revoke EMAIL`, `list`): the only way to make a platform
// operator. It sets the custom claim `operator: true` on an existing Firebase Auth user, keeping
// the user's other claims; no endpoint can do this.
//
// Against the emulators: FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:9099 (project demo-smspay unless
// --project or GCLOUD_PROJECT says otherwise). Against a real project: --project ID with Google
// credentials (GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`).
import { initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';

const USAGE = 'Usage: npm run operator -- grant EMAIL | revoke EMAIL | list [--project ID]';

function parseArgs(argv) {
  const args = [...argv];
  let project = process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT;
  const at = args.indexOf('--project');
  if (at >= 0) {
    project = args[at + 1];
    args.splice(at, 2);
  }
  const [command, email] = args;
  if (!['grant', 'revoke', 'list'].includes(command) || (command !== 'list' && !email) || (!project && !process.env.FIREBASE_AUTH_EMULATOR_HOST)) {
    throw new Error(process.env.FIREBASE_AUTH_EMULATOR_HOST || project ? USAGE : `${USAGE}\nSet FIREBASE_AUTH_EMULATOR_HOST for the emulators, or pass --project for a real project.`);
  }
  return { command, email: email?.trim().toLowerCase(), project: project ?? 'demo-smspay' };
}

async function main() {
  const { command, email, project } = parseArgs(process.argv.slice(2));
  const auth = getAuth(initializeApp({ projectId: project }));
  const where = process.env.FIREBASE_AUTH_EMULATOR_HOST ? `the Auth emulator (${project})` : `project ${project}`;
  if (command === 'list') {
    let pageToken;
    do {
      const page = await auth.listUsers(1000, pageToken);
      for (const user of page.users) if (user.customClaims?.operator === true) console.log(user.email ?? user.uid);
      pageToken = page.pageToken;
    } while (pageToken);
    return;
  }
  let user;
  try {
    user = await auth.getUserByEmail(email);
  } catch {
    throw new Error(`No user with email ${email} in ${where}. The person signs up (or is created) first.`);
  }
  const { operator: _previous, ...others } = user.customClaims ?? {};
  await auth.setCustomUserClaims(user.uid, command === 'grant' ? { ...others, operator: true } : others);
  // Sessions pick the claim up on their next token refresh; a revoke ends them now.
  if (command === 'revoke') await auth.revokeRefreshTokens(user.uid);
  console.log(`${command === 'grant' ? 'Granted' : 'Revoked'} operator for ${email} in ${where}.`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
