using Telematics.Cli;

return await CliApp.InvokeAsync(args);
