/** `npm run build:console`: build the web console ahead of time (e.g. in a container image), or report it is current. */
import { ensureConsoleAssets } from './console-assets';

ensureConsoleAssets({ log: (m) => console.error(m) })
  .then((dir) => console.log(dir))
  .catch((err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  });
