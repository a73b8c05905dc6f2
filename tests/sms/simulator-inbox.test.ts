// The simulator inbox in a long run: it keeps the newest messages of each phone, oldest dropped, so a
// busy phone neither grows memory without bound nor pushes other phones' messages out.
import { MAX_KEPT_PER_PHONE, SimulatorGateway } from '../../src/channels/sms/simulator-gateway';

test('each phone keeps its newest messages; the oldest are dropped; other phones keep theirs', async () => {
  const gateway = new SimulatorGateway();
  await gateway.send({ to: '+254711000002', from: '22262', text: 'for the other phone' });
  for (let i = 1; i <= MAX_KEPT_PER_PHONE + 20; i++) {
    await gateway.send({ to: '+254711000001', from: '22262', text: `message ${i}` });
  }
  const kept = gateway.messagesTo('+254711000001');
  expect(kept).toHaveLength(MAX_KEPT_PER_PHONE);
  expect(kept[0]?.text).toBe('message 21');
  expect(kept.at(-1)?.text).toBe(`message ${MAX_KEPT_PER_PHONE + 20}`);
  expect(gateway.messagesTo('+254711000002').map((m) => m.text)).toEqual(['for the other phone']);
});
