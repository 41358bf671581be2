export { IngestApiModule, type IngestApiOptions } from './ingest-api.module';
