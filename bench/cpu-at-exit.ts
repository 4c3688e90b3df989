/** Imported by bench/startup.ts into the process it measures: prints its CPU time at exit. */
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nBENCH-CPU ${(user + system) / 1000}\n`);
});
