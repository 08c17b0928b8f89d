using Telematics.Api.Ingest;
using Telematics.Features.Ingest.Csv;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>
/// An upload through a CSV mapping that declares Windows-1252 or Latin-1 is labelled with that charset (Excel's "ANSI"
/// CSV sent as it is), and a body labelled otherwise is refused, not mis-read.
/// </summary>
public sealed class UploadBodyCharsetTests
{
    [Theory]
    [InlineData("text/csv; charset=windows-1252", CsvEncoding.Windows1252)]
    [InlineData("text/csv; charset=CP1252", CsvEncoding.Windows1252)]
    [InlineData("text/csv; charset=iso-8859-1", CsvEncoding.Windows1252)]
    [InlineData("text/csv; charset=iso-8859-1", CsvEncoding.Latin1)]
    [InlineData("text/csv; charset=us-ascii", CsvEncoding.Latin1)]
    [InlineData("text/csv", CsvEncoding.Windows1252)]
    public void A_body_in_the_mappings_encoding_is_read(string contentType, CsvEncoding encoding)
    {
        Assert.Equal("text/csv", UploadBody.MediaType(contentType, ["text/csv"], encoding, out var problem));
        Assert.Equal(string.Empty, problem);
    }

    [Theory]
    [InlineData("text/csv; charset=utf-8", CsvEncoding.Windows1252, "This CSV mapping reads windows-1252; send the body in it with charset=windows-1252 or no charset.")]
    [InlineData("text/csv; charset=windows-1252", CsvEncoding.Latin1, "This CSV mapping reads iso-8859-1; send the body in it with charset=iso-8859-1 or no charset.")]
    [InlineData("text/csv; charset=windows-1252", CsvEncoding.Utf8, "Only UTF-8 bodies are read; send the body in UTF-8 with charset=utf-8 or no charset.")]
    public void A_body_labelled_with_another_charset_is_refused_naming_the_mappings(string contentType, CsvEncoding encoding, string expected)
    {
        Assert.Null(UploadBody.MediaType(contentType, ["text/csv"], encoding, out var problem));
        Assert.Equal(expected, problem);
    }
}
