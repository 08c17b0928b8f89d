using SharpFuzz;

using Telematics.Fuzz;

// telematics fuzz harness:
//   Telematics.Fuzz --list                      the targets
//   Telematics.Fuzz TARGET                      run under afl-fuzz (scripts/fuzz.sh): inputs come from SharpFuzz
//   Telematics.Fuzz TARGET --replay PATH...     run files (or every file of folders) once each; exit 1 on a crash
//   Telematics.Fuzz --seeds CORPUS              write the generated seeds (binary, manifest) into the corpus folder
if (args.Length == 2 && args[0] == "--seeds")
{
    await Seeds.WriteAsync(args[1]);
    return 0;
}

if (args.Length == 0 || args[0] == "--list")
{
    foreach (var each in FuzzTargets.All)
    {
        Console.WriteLine($"{each.Name,-12} {each.Description}");
    }

    return args.Length == 0 ? 2 : 0;
}

if (FuzzTargets.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine($"unknown target '{args[0]}'; --list shows them");
    return 2;
}

if (args.Length > 1 && args[1] == "--replay")
{
    var crashes = 0;
    foreach (var file in args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p) : [p]).Order(StringComparer.Ordinal))
    {
        try
        {
            Console.WriteLine(target.Run(File.ReadAllBytes(file)) is { } refusal ? $"{file}: refused: {refusal}" : $"{file}: accepted");
        }
        catch (Exception crash)
        {
            crashes++;
            Console.Error.WriteLine($"{file}: {crash}");
        }
    }

    return crashes == 0 ? 0 : 1;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    _ = target.Run(copy.ToArray());
});
return 0;
