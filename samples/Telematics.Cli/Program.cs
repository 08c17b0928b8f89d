using Telematics.Cli;

return await CliApp.Build().Parse(args).InvokeAsync();
