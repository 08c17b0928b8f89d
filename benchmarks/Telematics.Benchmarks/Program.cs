using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Telematics.Benchmarks.BenchmarkConfig).Assembly).Run(args, new Telematics.Benchmarks.BenchmarkConfig());
