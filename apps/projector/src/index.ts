export { startProjector, PROJECTOR_MIGRATIONS, type ProjectorOptions, type RunningProjector } from './projector';
