namespace Telematics.Fuzz;

/// <summary>
/// One thing the fuzzer feeds bytes to. <see cref="Run"/> must return or throw only what its API documents for bad
/// input (caught here); anything else escaping it is a bug the fuzzer reports as a crash.
/// </summary>
/// <param name="Name">The name <c>scripts/fuzz.sh</c> and the corpus folder use, e.g. <c>csv</c>.</param>
/// <param name="Description">What is fuzzed, in one line.</param>
/// <param name="Run">Feeds one input; returns null when it was accepted, else the documented refusal's message.</param>
public sealed record FuzzTarget(string Name, string Description, Func<byte[], string?> Run);
