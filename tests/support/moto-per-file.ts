import { resetMoto } from '../../local/moto-server';

const endpoints = (process.env.LIFEBOAT_TEST_MOTO_ENDPOINTS ?? '').split(',').filter((e) => e !== '');
if (endpoints.length === 0) {
  throw new Error(
    'LIFEBOAT_TEST_MOTO_ENDPOINTS is not set: run these tests through jest, whose globalSetup starts moto',
  );
}
const worker = Number(process.env.JEST_WORKER_ID ?? '1');
const endpoint = endpoints[(worker - 1) % endpoints.length] as string;

// Every AWS client the code under test builds from the environment talks to this worker's moto.
process.env.LIFEBOAT_AWS_ENDPOINT = endpoint;
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_REGION = 'us-east-1';
process.env.LIFEBOAT_AWS_MAX_ATTEMPTS = '3';

beforeAll(async () => {
  await resetMoto(endpoint);
});
