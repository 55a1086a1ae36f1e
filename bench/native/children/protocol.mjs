/* global process, setInterval, clearInterval -- a plain Node script */
// Drains once a second (as the agent does) and answers the parent's begin/end stretches with the CPU
// this process used and the counts it saw. Plain JavaScript so that no loader runs in the measured
// process (tsx alone costs more idle CPU than the native recorder).
export function startCounting(source) {
  const total = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };
  const add = (c) => {
    total.keyboard += c.keyboard;
    total.clicks += c.clicks;
    total.wheel += c.wheel;
    total.moves += c.moves;
  };
  const timer = setInterval(() => add(source.drain()), 1000);
  let cpuAtBegin = process.cpuUsage();
  process.on('message', (command) => {
    if (command === 'begin') {
      source.drain();
      total.keyboard = total.clicks = total.wheel = total.moves = 0;
      cpuAtBegin = process.cpuUsage();
    } else if (command === 'end') {
      add(source.drain());
      const cpu = process.cpuUsage(cpuAtBegin);
      process.send({ type: 'stretch', cpuMs: (cpu.user + cpu.system) / 1000, counts: { ...total } });
    } else {
      clearInterval(timer);
      source.stop();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready' });
}
