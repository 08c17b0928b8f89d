using System.CommandLine;
using Telematics.Cli.Output;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;
using Telematics.Features.Ingest;

namespace Telematics.Cli.Events;

/// <summary>
/// <c>telematics events detect --input FILE|DIR [--mapping FILE | --frame device|earth] [--output FILE] [--output-format csv|json] [--report-bad FILE]</c>:
/// a phone recording → its harsh and aggressive manoeuvres and the spans the phone was handled in.
/// </summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var input = new Option<FileSystemInfo>("--input") { Description = "A directory of per-sensor files (accelerometer.csv, gyroscope.csv, … or as the mapping names them), or one merged file.", Required = true };
        var mapping = new Option<FileInfo?>("--mapping") { Description = "JSON phone sensor mapping (docs/formats/phone-sensors.md); default: per-sensor files time,x,y,z in the --frame." };
        var frame = new Option<string?>("--frame") { Description = "device or earth: the frame of per-sensor files read without a mapping." };
        frame.AcceptOnlyFromAmong("device", "earth");
        var output = new Option<FileInfo?>("--output") { Description = "Write the events here (.csv or .json); default: CSV on standard output." };
        var outputFormat = new Option<string?>("--output-format") { Description = "csv or json; default: from the --output extension, else csv." };
        outputFormat.AcceptOnlyFromAmong("csv", "json");
        var reportBad = new Option<FileInfo?>("--report-bad") { Description = "Skip bad records and list them here (record,field,reason,excerpt); without it the first bad record fails the run (exit 3)." };
        var command = new Command("detect", "List the harsh braking, acceleration and turns, aggressive lane changes and phone handling of one phone recording.")
        {
            input, mapping, frame, output, outputFormat, reportBad,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var source = parse.GetValue(input)!;
            var mappingFile = parse.GetValue(mapping);
            var frameName = parse.GetValue(frame);
            var outputFile = parse.GetValue(output);
            bool json;
            ImuMapping layout;
            try
            {
                json = parse.GetValue(outputFormat) is { } f ? f == "json" : outputFile is not null && IsJsonName(outputFile.Name);
                layout = Layout(source, mappingFile, frameName);
                OutputFile.RequireFolder("--report-bad", parse.GetValue(reportBad));
            }
            catch (ArgumentException e)
            {
                error.WriteLine(e.Message);
                return ExitCodes.Usage;
            }
            catch (TelematicsFormatException e)
            {
                error.WriteLine($"{mappingFile?.FullName}: {e.Message}");
                return ExitCodes.InputError;
            }
            catch (FileNotFoundException e)
            {
                error.WriteLine(e.Message);
                return ExitCodes.InputError;
            }

            var badPath = parse.GetValue(reportBad)?.FullName;
            var reader = new ImuLogReader(layout, new ImuReaderOptions { BadRecords = badPath is null ? BadRecordHandling.Reject : BadRecordHandling.SkipAndReport });
            var recording = new ImuRecording();
            try
            {
                if (source is DirectoryInfo directory)
                {
                    await reader.ReadDirectoryAsync(directory.FullName, recording, cancellationToken);
                }
                else
                {
                    await reader.ReadMergedFileAsync(source.FullName, recording, cancellationToken);
                }
            }
            catch (TelematicsFormatException e)
            {
                error.WriteLine($"{source.FullName}: {RecordError.Describe(e)}");
                return ExitCodes.InputError;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{source.FullName}: {e.Message}");
                return ExitCodes.InputError;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Cancelled;
            }

            ImuReadWarnings.Write(error, source.FullName, reader.Warnings);

            var manoeuvres = new List<Manoeuvre>();
            var handling = new List<PhoneHandling>();
            var analyzer = new PhoneTripAnalyzer();
            try
            {
                analyzer.Analyze(recording, manoeuvres, handling);
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"{source.FullName}: {e.Message}");
                return ExitCodes.InputError;
            }

            var report = new DetectionReport(recording, analyzer.Motion, manoeuvres, handling);
            if (outputFile is null)
            {
                if (json)
                {
                    report.WriteJson(parse.InvocationConfiguration.Output);
                }
                else
                {
                    report.WriteCsv(parse.InvocationConfiguration.Output);
                }
            }
            else
            {
                await OutputFile.WriteTextAsync(outputFile.FullName, writer =>
                {
                    if (json)
                    {
                        report.WriteJson(writer);
                    }
                    else
                    {
                        report.WriteCsv(writer);
                    }

                    return Task.CompletedTask;
                });

                parse.InvocationConfiguration.Output.WriteLine(report.Summary());
            }

            if (badPath is not null)
            {
                await EventCommandRunner.WriteBadRecordsAsync(badPath, reader.Report);
            }

            return reader.Report.RejectedCount > 0 ? ExitCodes.PartialFailure : ExitCodes.Success;
        });
        return command;
    }

    private static ImuMapping Layout(FileSystemInfo source, FileInfo? mapping, string? frame)
    {
        if (!source.Exists)
        {
            throw new FileNotFoundException($"--input: '{source.FullName}' does not exist.", source.FullName);
        }

        if (mapping is not null)
        {
            if (frame is not null)
            {
                throw new ArgumentException("--frame: the mapping declares the frame; give one or the other.");
            }

            return ImuMapping.Load(mapping.FullName);
        }

        if (frame is null)
        {
            throw new ArgumentException("--frame: give device or earth (or a --mapping that declares it): a recording does not say which frame it is in.");
        }

        if (source is not DirectoryInfo)
        {
            throw new ArgumentException("--mapping: a single merged file needs a mapping naming its columns; without one, give a directory of per-sensor files.");
        }

        return ImuMapping.PerSensorFiles(frame == "earth" ? SensorFrame.Earth : SensorFrame.Device);
    }

    private static bool IsJsonName(string name) => Path.GetExtension(name).Equals(".json", StringComparison.OrdinalIgnoreCase);
}
