using Telematics.Features.Ingest;

namespace Telematics.Features.Tests.Ingest;

/// <summary>
/// Reader options for tests of parsing and framing, whose small made-up timestamps (1970) and extreme values are
/// about the format, not plausibility: <see cref="SamplePlausibility.Unbounded"/>. Plausibility has its own tests.
/// </summary>
internal static class ParseOnly
{
    public static readonly SampleReaderOptions Options = new() { Plausibility = SamplePlausibility.Unbounded };
}
