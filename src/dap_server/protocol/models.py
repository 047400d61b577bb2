# Generated from debugpy's debugProtocol.json by scripts/gen_models.py; do not edit.
# Regenerate with: python scripts/gen_models.py

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class DapModel(BaseModel):
    # Unknown fields are kept (clients and adapters add their own). Schemas are built
    # on first use: building all of them up front costs the adapter's start-up.
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


class EmptyArguments(DapModel):
    pass


ChecksumAlgorithm = Literal["MD5", "SHA1", "SHA256", "timestamp"]
CompletionItemType = Literal[
    "method",
    "function",
    "constructor",
    "field",
    "variable",
    "class",
    "interface",
    "module",
    "property",
    "unit",
    "value",
    "enum",
    "keyword",
    "snippet",
    "text",
    "color",
    "file",
    "reference",
    "customcolor",
]
DataBreakpointAccessType = Literal["read", "write", "readWrite"]
ExceptionBreakMode = Literal["never", "always", "unhandled", "userUnhandled"]
InvalidatedAreas = str
SteppingGranularity = Literal["statement", "line", "instruction"]


class ProtocolMessage(DapModel):
    seq: int
    type: str


class Request(ProtocolMessage):
    type: Literal["request"] = "request"
    command: str
    arguments: Any = None


class AttachRequest(Request):
    command: Literal["attach"] = "attach"
    arguments: AttachRequestArguments


class AttachRequestArguments(DapModel):
    restart_: Any = Field(default=None, alias="__restart")


class Response(ProtocolMessage):
    type: Literal["response"] = "response"
    request_seq: int
    success: bool
    command: str
    message: str | None = None
    body: Any = None


class AttachResponse(Response):
    pass


class Breakpoint(DapModel):
    id: int | None = None
    verified: bool
    message: str | None = None
    source: Source | None = None
    line: int | None = None
    column: int | None = None
    endLine: int | None = None
    endColumn: int | None = None
    instructionReference: str | None = None
    offset: int | None = None
    reason: Literal["pending", "failed"] | None = None


class Event(ProtocolMessage):
    type: Literal["event"] = "event"
    event: str
    body: Any = None


class BreakpointEvent(Event):
    event: Literal["breakpoint"] = "breakpoint"
    body: BreakpointEventBody


class BreakpointEventBody(DapModel):
    reason: str
    breakpoint: Breakpoint


class BreakpointLocation(DapModel):
    line: int
    column: int | None = None
    endLine: int | None = None
    endColumn: int | None = None


class BreakpointLocationsArguments(DapModel):
    source: Source
    line: int
    column: int | None = None
    endLine: int | None = None
    endColumn: int | None = None


class BreakpointLocationsRequest(Request):
    command: Literal["breakpointLocations"] = "breakpointLocations"
    arguments: BreakpointLocationsArguments | None = None


class BreakpointLocationsResponse(Response):
    body: BreakpointLocationsResponseBody


class BreakpointLocationsResponseBody(DapModel):
    breakpoints: list[BreakpointLocation]


class CancelArguments(DapModel):
    requestId: int | None = None
    progressId: str | None = None


class CancelRequest(Request):
    command: Literal["cancel"] = "cancel"
    arguments: CancelArguments | None = None


class CancelResponse(Response):
    pass


class Capabilities(DapModel):
    supportsConfigurationDoneRequest: bool | None = None
    supportsFunctionBreakpoints: bool | None = None
    supportsConditionalBreakpoints: bool | None = None
    supportsHitConditionalBreakpoints: bool | None = None
    supportsEvaluateForHovers: bool | None = None
    exceptionBreakpointFilters: list[ExceptionBreakpointsFilter] | None = None
    supportsStepBack: bool | None = None
    supportsSetVariable: bool | None = None
    supportsRestartFrame: bool | None = None
    supportsGotoTargetsRequest: bool | None = None
    supportsStepInTargetsRequest: bool | None = None
    supportsCompletionsRequest: bool | None = None
    completionTriggerCharacters: list[str] | None = None
    supportsModulesRequest: bool | None = None
    additionalModuleColumns: list[ColumnDescriptor] | None = None
    supportedChecksumAlgorithms: list[ChecksumAlgorithm] | None = None
    supportsRestartRequest: bool | None = None
    supportsExceptionOptions: bool | None = None
    supportsValueFormattingOptions: bool | None = None
    supportsExceptionInfoRequest: bool | None = None
    supportTerminateDebuggee: bool | None = None
    supportSuspendDebuggee: bool | None = None
    supportsDelayedStackTraceLoading: bool | None = None
    supportsLoadedSourcesRequest: bool | None = None
    supportsLogPoints: bool | None = None
    supportsTerminateThreadsRequest: bool | None = None
    supportsSetExpression: bool | None = None
    supportsTerminateRequest: bool | None = None
    supportsDataBreakpoints: bool | None = None
    supportsReadMemoryRequest: bool | None = None
    supportsWriteMemoryRequest: bool | None = None
    supportsDisassembleRequest: bool | None = None
    supportsCancelRequest: bool | None = None
    supportsBreakpointLocationsRequest: bool | None = None
    supportsClipboardContext: bool | None = None
    supportsSteppingGranularity: bool | None = None
    supportsInstructionBreakpoints: bool | None = None
    supportsExceptionFilterOptions: bool | None = None
    supportsSingleThreadExecutionRequests: bool | None = None


class CapabilitiesEvent(Event):
    event: Literal["capabilities"] = "capabilities"
    body: CapabilitiesEventBody


class CapabilitiesEventBody(DapModel):
    capabilities: Capabilities


class Checksum(DapModel):
    algorithm: ChecksumAlgorithm
    checksum: str


class ColumnDescriptor(DapModel):
    attributeName: str
    label: str
    format: str | None = None
    type: Literal["string", "number", "boolean", "unixTimestampUTC"] | None = None
    width: int | None = None


class CompletionItem(DapModel):
    label: str
    text: str | None = None
    sortText: str | None = None
    detail: str | None = None
    type: CompletionItemType | None = None
    start: int | None = None
    length: int | None = None
    selectionStart: int | None = None
    selectionLength: int | None = None


class CompletionsArguments(DapModel):
    frameId: int | None = None
    text: str
    column: int
    line: int | None = None


class CompletionsRequest(Request):
    command: Literal["completions"] = "completions"
    arguments: CompletionsArguments


class CompletionsResponse(Response):
    body: CompletionsResponseBody


class CompletionsResponseBody(DapModel):
    targets: list[CompletionItem]


class ConfigurationDoneArguments(DapModel):
    pass


class ConfigurationDoneRequest(Request):
    command: Literal["configurationDone"] = "configurationDone"
    arguments: ConfigurationDoneArguments | None = None


class ConfigurationDoneResponse(Response):
    pass


class ContinueArguments(DapModel):
    threadId: int
    singleThread: bool | None = None


class ContinueRequest(Request):
    command: Literal["continue"] = "continue"
    arguments: ContinueArguments


class ContinueResponse(Response):
    body: ContinueResponseBody


class ContinueResponseBody(DapModel):
    allThreadsContinued: bool | None = None


class ContinuedEvent(Event):
    event: Literal["continued"] = "continued"
    body: ContinuedEventBody


class ContinuedEventBody(DapModel):
    threadId: int
    allThreadsContinued: bool | None = None


class DataBreakpoint(DapModel):
    dataId: str
    accessType: DataBreakpointAccessType | None = None
    condition: str | None = None
    hitCondition: str | None = None


class DataBreakpointInfoArguments(DapModel):
    variablesReference: int | None = None
    name: str
    frameId: int | None = None


class DataBreakpointInfoRequest(Request):
    command: Literal["dataBreakpointInfo"] = "dataBreakpointInfo"
    arguments: DataBreakpointInfoArguments


class DataBreakpointInfoResponse(Response):
    body: DataBreakpointInfoResponseBody


class DataBreakpointInfoResponseBody(DapModel):
    dataId: str | None
    description: str
    accessTypes: list[DataBreakpointAccessType] | None = None
    canPersist: bool | None = None


class DisassembleArguments(DapModel):
    memoryReference: str
    offset: int | None = None
    instructionOffset: int | None = None
    instructionCount: int
    resolveSymbols: bool | None = None


class DisassembleRequest(Request):
    command: Literal["disassemble"] = "disassemble"
    arguments: DisassembleArguments


class DisassembleResponse(Response):
    body: DisassembleResponseBody | None = None


class DisassembleResponseBody(DapModel):
    instructions: list[DisassembledInstruction]


class DisassembledInstruction(DapModel):
    address: str
    instructionBytes: str | None = None
    instruction: str
    symbol: str | None = None
    location: Source | None = None
    line: int | None = None
    column: int | None = None
    endLine: int | None = None
    endColumn: int | None = None
    presentationHint: Literal["normal", "invalid"] | None = None


class DisconnectArguments(DapModel):
    restart: bool | None = None
    terminateDebuggee: bool | None = None
    suspendDebuggee: bool | None = None


class DisconnectRequest(Request):
    command: Literal["disconnect"] = "disconnect"
    arguments: DisconnectArguments | None = None


class DisconnectResponse(Response):
    pass


class ErrorResponse(Response):
    body: ErrorResponseBody


class ErrorResponseBody(DapModel):
    error: Message | None = None


class EvaluateArguments(DapModel):
    expression: str
    frameId: int | None = None
    context: str | None = None
    format: ValueFormat | None = None


class EvaluateRequest(Request):
    command: Literal["evaluate"] = "evaluate"
    arguments: EvaluateArguments


class EvaluateResponse(Response):
    body: EvaluateResponseBody


class EvaluateResponseBody(DapModel):
    result: str
    type: str | None = None
    presentationHint: VariablePresentationHint | None = None
    variablesReference: int
    namedVariables: int | None = None
    indexedVariables: int | None = None
    memoryReference: str | None = None


class ExceptionBreakpointsFilter(DapModel):
    filter: str
    label: str
    description: str | None = None
    default: bool | None = None
    supportsCondition: bool | None = None
    conditionDescription: str | None = None


class ExceptionDetails(DapModel):
    message: str | None = None
    typeName: str | None = None
    fullTypeName: str | None = None
    evaluateName: str | None = None
    stackTrace: str | None = None
    innerException: list[ExceptionDetails] | None = None


class ExceptionFilterOptions(DapModel):
    filterId: str
    condition: str | None = None


class ExceptionInfoArguments(DapModel):
    threadId: int


class ExceptionInfoRequest(Request):
    command: Literal["exceptionInfo"] = "exceptionInfo"
    arguments: ExceptionInfoArguments


class ExceptionInfoResponse(Response):
    body: ExceptionInfoResponseBody


class ExceptionInfoResponseBody(DapModel):
    exceptionId: str
    description: str | None = None
    breakMode: ExceptionBreakMode
    details: ExceptionDetails | None = None


class ExceptionOptions(DapModel):
    path: list[ExceptionPathSegment] | None = None
    breakMode: ExceptionBreakMode


class ExceptionPathSegment(DapModel):
    negate: bool | None = None
    names: list[str]


class ExitedEvent(Event):
    event: Literal["exited"] = "exited"
    body: ExitedEventBody


class ExitedEventBody(DapModel):
    exitCode: int


class FunctionBreakpoint(DapModel):
    name: str
    condition: str | None = None
    hitCondition: str | None = None


class GotoArguments(DapModel):
    threadId: int
    targetId: int


class GotoRequest(Request):
    command: Literal["goto"] = "goto"
    arguments: GotoArguments


class GotoResponse(Response):
    pass


class GotoTarget(DapModel):
    id: int
    label: str
    line: int
    column: int | None = None
    endLine: int | None = None
    endColumn: int | None = None
    instructionPointerReference: str | None = None


class GotoTargetsArguments(DapModel):
    source: Source
    line: int
    column: int | None = None


class GotoTargetsRequest(Request):
    command: Literal["gotoTargets"] = "gotoTargets"
    arguments: GotoTargetsArguments


class GotoTargetsResponse(Response):
    body: GotoTargetsResponseBody


class GotoTargetsResponseBody(DapModel):
    targets: list[GotoTarget]


class InitializeRequest(Request):
    command: Literal["initialize"] = "initialize"
    arguments: InitializeRequestArguments


class InitializeRequestArguments(DapModel):
    clientID: str | None = None
    clientName: str | None = None
    adapterID: str
    locale: str | None = None
    linesStartAt1: bool | None = None
    columnsStartAt1: bool | None = None
    pathFormat: str | None = None
    supportsVariableType: bool | None = None
    supportsVariablePaging: bool | None = None
    supportsRunInTerminalRequest: bool | None = None
    supportsMemoryReferences: bool | None = None
    supportsProgressReporting: bool | None = None
    supportsInvalidatedEvent: bool | None = None
    supportsMemoryEvent: bool | None = None
    supportsArgsCanBeInterpretedByShell: bool | None = None
    supportsStartDebuggingRequest: bool | None = None


class InitializeResponse(Response):
    body: Capabilities | None = None


class InitializedEvent(Event):
    event: Literal["initialized"] = "initialized"


class InstructionBreakpoint(DapModel):
    instructionReference: str
    offset: int | None = None
    condition: str | None = None
    hitCondition: str | None = None


class InvalidatedEvent(Event):
    event: Literal["invalidated"] = "invalidated"
    body: InvalidatedEventBody


class InvalidatedEventBody(DapModel):
    areas: list[InvalidatedAreas] | None = None
    threadId: int | None = None
    stackFrameId: int | None = None


class LaunchRequest(Request):
    command: Literal["launch"] = "launch"
    arguments: LaunchRequestArguments


class LaunchRequestArguments(DapModel):
    noDebug: bool | None = None
    restart_: Any = Field(default=None, alias="__restart")


class LaunchResponse(Response):
    pass


class LoadedSourceEvent(Event):
    event: Literal["loadedSource"] = "loadedSource"
    body: LoadedSourceEventBody


class LoadedSourceEventBody(DapModel):
    reason: Literal["new", "changed", "removed"]
    source: Source


class LoadedSourcesArguments(DapModel):
    pass


class LoadedSourcesRequest(Request):
    command: Literal["loadedSources"] = "loadedSources"
    arguments: LoadedSourcesArguments | None = None


class LoadedSourcesResponse(Response):
    body: LoadedSourcesResponseBody


class LoadedSourcesResponseBody(DapModel):
    sources: list[Source]


class MemoryEvent(Event):
    event: Literal["memory"] = "memory"
    body: MemoryEventBody


class MemoryEventBody(DapModel):
    memoryReference: str
    offset: int
    count: int


class Message(DapModel):
    id: int
    format: str
    variables: dict[str, str] | None = None
    sendTelemetry: bool | None = None
    showUser: bool | None = None
    url: str | None = None
    urlLabel: str | None = None


class Module(DapModel):
    id: int | str
    name: str
    path: str | None = None
    isOptimized: bool | None = None
    isUserCode: bool | None = None
    version: str | None = None
    symbolStatus: str | None = None
    symbolFilePath: str | None = None
    dateTimeStamp: str | None = None
    addressRange: str | None = None


class ModuleEvent(Event):
    event: Literal["module"] = "module"
    body: ModuleEventBody


class ModuleEventBody(DapModel):
    reason: Literal["new", "changed", "removed"]
    module: Module


class ModulesArguments(DapModel):
    startModule: int | None = None
    moduleCount: int | None = None


class ModulesRequest(Request):
    command: Literal["modules"] = "modules"
    arguments: ModulesArguments


class ModulesResponse(Response):
    body: ModulesResponseBody


class ModulesResponseBody(DapModel):
    modules: list[Module]
    totalModules: int | None = None


class NextArguments(DapModel):
    threadId: int
    singleThread: bool | None = None
    granularity: SteppingGranularity | None = None


class NextRequest(Request):
    command: Literal["next"] = "next"
    arguments: NextArguments


class NextResponse(Response):
    pass


class OutputEvent(Event):
    event: Literal["output"] = "output"
    body: OutputEventBody


class OutputEventBody(DapModel):
    category: str | None = None
    output: str
    group: Literal["start", "startCollapsed", "end"] | None = None
    variablesReference: int | None = None
    source: Source | None = None
    line: int | None = None
    column: int | None = None
    data: Any = None


class PauseArguments(DapModel):
    threadId: int


class PauseRequest(Request):
    command: Literal["pause"] = "pause"
    arguments: PauseArguments


class PauseResponse(Response):
    pass


class ProcessEvent(Event):
    event: Literal["process"] = "process"
    body: ProcessEventBody


class ProcessEventBody(DapModel):
    name: str
    systemProcessId: int | None = None
    isLocalProcess: bool | None = None
    startMethod: Literal["launch", "attach", "attachForSuspendedLaunch"] | None = None
    pointerSize: int | None = None


class ProgressEndEvent(Event):
    event: Literal["progressEnd"] = "progressEnd"
    body: ProgressEndEventBody


class ProgressEndEventBody(DapModel):
    progressId: str
    message: str | None = None


class ProgressStartEvent(Event):
    event: Literal["progressStart"] = "progressStart"
    body: ProgressStartEventBody


class ProgressStartEventBody(DapModel):
    progressId: str
    title: str
    requestId: int | None = None
    cancellable: bool | None = None
    message: str | None = None
    percentage: float | None = None


class ProgressUpdateEvent(Event):
    event: Literal["progressUpdate"] = "progressUpdate"
    body: ProgressUpdateEventBody


class ProgressUpdateEventBody(DapModel):
    progressId: str
    message: str | None = None
    percentage: float | None = None


class ReadMemoryArguments(DapModel):
    memoryReference: str
    offset: int | None = None
    count: int


class ReadMemoryRequest(Request):
    command: Literal["readMemory"] = "readMemory"
    arguments: ReadMemoryArguments


class ReadMemoryResponse(Response):
    body: ReadMemoryResponseBody | None = None


class ReadMemoryResponseBody(DapModel):
    address: str
    unreadableBytes: int | None = None
    data: str | None = None


class RestartArguments(DapModel):
    arguments: LaunchRequestArguments | AttachRequestArguments | None = None


class RestartFrameArguments(DapModel):
    frameId: int


class RestartFrameRequest(Request):
    command: Literal["restartFrame"] = "restartFrame"
    arguments: RestartFrameArguments


class RestartFrameResponse(Response):
    pass


class RestartRequest(Request):
    command: Literal["restart"] = "restart"
    arguments: RestartArguments | None = None


class RestartResponse(Response):
    pass


class ReverseContinueArguments(DapModel):
    threadId: int
    singleThread: bool | None = None


class ReverseContinueRequest(Request):
    command: Literal["reverseContinue"] = "reverseContinue"
    arguments: ReverseContinueArguments


class ReverseContinueResponse(Response):
    pass


class RunInTerminalRequest(Request):
    command: Literal["runInTerminal"] = "runInTerminal"
    arguments: RunInTerminalRequestArguments


class RunInTerminalRequestArguments(DapModel):
    kind: Literal["integrated", "external"] | None = None
    title: str | None = None
    cwd: str
    args: list[str]
    env: dict[str, str | None] | None = None
    argsCanBeInterpretedByShell: bool | None = None


class RunInTerminalResponse(Response):
    body: RunInTerminalResponseBody


class RunInTerminalResponseBody(DapModel):
    processId: int | None = None
    shellProcessId: int | None = None


class Scope(DapModel):
    name: str
    presentationHint: str | None = None
    variablesReference: int
    namedVariables: int | None = None
    indexedVariables: int | None = None
    expensive: bool
    source: Source | None = None
    line: int | None = None
    column: int | None = None
    endLine: int | None = None
    endColumn: int | None = None


class ScopesArguments(DapModel):
    frameId: int


class ScopesRequest(Request):
    command: Literal["scopes"] = "scopes"
    arguments: ScopesArguments


class ScopesResponse(Response):
    body: ScopesResponseBody


class ScopesResponseBody(DapModel):
    scopes: list[Scope]


class SetBreakpointsArguments(DapModel):
    source: Source
    breakpoints: list[SourceBreakpoint] | None = None
    lines: list[int] | None = None
    sourceModified: bool | None = None


class SetBreakpointsRequest(Request):
    command: Literal["setBreakpoints"] = "setBreakpoints"
    arguments: SetBreakpointsArguments


class SetBreakpointsResponse(Response):
    body: SetBreakpointsResponseBody


class SetBreakpointsResponseBody(DapModel):
    breakpoints: list[Breakpoint]


class SetDataBreakpointsArguments(DapModel):
    breakpoints: list[DataBreakpoint]


class SetDataBreakpointsRequest(Request):
    command: Literal["setDataBreakpoints"] = "setDataBreakpoints"
    arguments: SetDataBreakpointsArguments


class SetDataBreakpointsResponse(Response):
    body: SetDataBreakpointsResponseBody


class SetDataBreakpointsResponseBody(DapModel):
    breakpoints: list[Breakpoint]


class SetExceptionBreakpointsArguments(DapModel):
    filters: list[str]
    filterOptions: list[ExceptionFilterOptions] | None = None
    exceptionOptions: list[ExceptionOptions] | None = None


class SetExceptionBreakpointsRequest(Request):
    command: Literal["setExceptionBreakpoints"] = "setExceptionBreakpoints"
    arguments: SetExceptionBreakpointsArguments


class SetExceptionBreakpointsResponse(Response):
    body: SetExceptionBreakpointsResponseBody | None = None


class SetExceptionBreakpointsResponseBody(DapModel):
    breakpoints: list[Breakpoint] | None = None


class SetExpressionArguments(DapModel):
    expression: str
    value: str
    frameId: int | None = None
    format: ValueFormat | None = None


class SetExpressionRequest(Request):
    command: Literal["setExpression"] = "setExpression"
    arguments: SetExpressionArguments


class SetExpressionResponse(Response):
    body: SetExpressionResponseBody


class SetExpressionResponseBody(DapModel):
    value: str
    type: str | None = None
    presentationHint: VariablePresentationHint | None = None
    variablesReference: int | None = None
    namedVariables: int | None = None
    indexedVariables: int | None = None
    memoryReference: str | None = None


class SetFunctionBreakpointsArguments(DapModel):
    breakpoints: list[FunctionBreakpoint]


class SetFunctionBreakpointsRequest(Request):
    command: Literal["setFunctionBreakpoints"] = "setFunctionBreakpoints"
    arguments: SetFunctionBreakpointsArguments


class SetFunctionBreakpointsResponse(Response):
    body: SetFunctionBreakpointsResponseBody


class SetFunctionBreakpointsResponseBody(DapModel):
    breakpoints: list[Breakpoint]


class SetInstructionBreakpointsArguments(DapModel):
    breakpoints: list[InstructionBreakpoint]


class SetInstructionBreakpointsRequest(Request):
    command: Literal["setInstructionBreakpoints"] = "setInstructionBreakpoints"
    arguments: SetInstructionBreakpointsArguments


class SetInstructionBreakpointsResponse(Response):
    body: SetInstructionBreakpointsResponseBody


class SetInstructionBreakpointsResponseBody(DapModel):
    breakpoints: list[Breakpoint]


class SetVariableArguments(DapModel):
    variablesReference: int
    name: str
    value: str
    format: ValueFormat | None = None


class SetVariableRequest(Request):
    command: Literal["setVariable"] = "setVariable"
    arguments: SetVariableArguments


class SetVariableResponse(Response):
    body: SetVariableResponseBody


class SetVariableResponseBody(DapModel):
    value: str
    type: str | None = None
    variablesReference: int | None = None
    namedVariables: int | None = None
    indexedVariables: int | None = None
    memoryReference: str | None = None


class Source(DapModel):
    name: str | None = None
    path: str | None = None
    sourceReference: int | None = None
    presentationHint: Literal["normal", "emphasize", "deemphasize"] | None = None
    origin: str | None = None
    sources: list[Source] | None = None
    adapterData: Any = None
    checksums: list[Checksum] | None = None


class SourceArguments(DapModel):
    source: Source | None = None
    sourceReference: int


class SourceBreakpoint(DapModel):
    line: int
    column: int | None = None
    condition: str | None = None
    hitCondition: str | None = None
    logMessage: str | None = None


class SourceRequest(Request):
    command: Literal["source"] = "source"
    arguments: SourceArguments


class SourceResponse(Response):
    body: SourceResponseBody


class SourceResponseBody(DapModel):
    content: str
    mimeType: str | None = None


class StackFrame(DapModel):
    id: int
    name: str
    source: Source | None = None
    line: int
    column: int
    endLine: int | None = None
    endColumn: int | None = None
    canRestart: bool | None = None
    instructionPointerReference: str | None = None
    moduleId: int | str | None = None
    presentationHint: Literal["normal", "label", "subtle"] | None = None


class ValueFormat(DapModel):
    hex: bool | None = None


class StackFrameFormat(ValueFormat):
    parameters: bool | None = None
    parameterTypes: bool | None = None
    parameterNames: bool | None = None
    parameterValues: bool | None = None
    line: bool | None = None
    module: bool | None = None
    includeAll: bool | None = None


class StackTraceArguments(DapModel):
    threadId: int
    startFrame: int | None = None
    levels: int | None = None
    format: StackFrameFormat | None = None


class StackTraceRequest(Request):
    command: Literal["stackTrace"] = "stackTrace"
    arguments: StackTraceArguments


class StackTraceResponse(Response):
    body: StackTraceResponseBody


class StackTraceResponseBody(DapModel):
    stackFrames: list[StackFrame]
    totalFrames: int | None = None


class StartDebuggingRequest(Request):
    command: Literal["startDebugging"] = "startDebugging"
    arguments: StartDebuggingRequestArguments


class StartDebuggingRequestArguments(DapModel):
    configuration: dict[str, Any]
    request: Literal["launch", "attach"]


class StartDebuggingResponse(Response):
    pass


class StepBackArguments(DapModel):
    threadId: int
    singleThread: bool | None = None
    granularity: SteppingGranularity | None = None


class StepBackRequest(Request):
    command: Literal["stepBack"] = "stepBack"
    arguments: StepBackArguments


class StepBackResponse(Response):
    pass


class StepInArguments(DapModel):
    threadId: int
    singleThread: bool | None = None
    targetId: int | None = None
    granularity: SteppingGranularity | None = None


class StepInRequest(Request):
    command: Literal["stepIn"] = "stepIn"
    arguments: StepInArguments


class StepInResponse(Response):
    pass


class StepInTarget(DapModel):
    id: int
    label: str
    line: int | None = None
    column: int | None = None
    endLine: int | None = None
    endColumn: int | None = None


class StepInTargetsArguments(DapModel):
    frameId: int


class StepInTargetsRequest(Request):
    command: Literal["stepInTargets"] = "stepInTargets"
    arguments: StepInTargetsArguments


class StepInTargetsResponse(Response):
    body: StepInTargetsResponseBody


class StepInTargetsResponseBody(DapModel):
    targets: list[StepInTarget]


class StepOutArguments(DapModel):
    threadId: int
    singleThread: bool | None = None
    granularity: SteppingGranularity | None = None


class StepOutRequest(Request):
    command: Literal["stepOut"] = "stepOut"
    arguments: StepOutArguments


class StepOutResponse(Response):
    pass


class StoppedEvent(Event):
    event: Literal["stopped"] = "stopped"
    body: StoppedEventBody


class StoppedEventBody(DapModel):
    reason: str
    description: str | None = None
    threadId: int | None = None
    preserveFocusHint: bool | None = None
    text: str | None = None
    allThreadsStopped: bool | None = None
    hitBreakpointIds: list[int] | None = None


class TerminateArguments(DapModel):
    restart: bool | None = None


class TerminateRequest(Request):
    command: Literal["terminate"] = "terminate"
    arguments: TerminateArguments | None = None


class TerminateResponse(Response):
    pass


class TerminateThreadsArguments(DapModel):
    threadIds: list[int] | None = None


class TerminateThreadsRequest(Request):
    command: Literal["terminateThreads"] = "terminateThreads"
    arguments: TerminateThreadsArguments


class TerminateThreadsResponse(Response):
    pass


class TerminatedEvent(Event):
    event: Literal["terminated"] = "terminated"
    body: TerminatedEventBody | None = None


class TerminatedEventBody(DapModel):
    restart: Any = None


class Thread(DapModel):
    id: int
    name: str


class ThreadEvent(Event):
    event: Literal["thread"] = "thread"
    body: ThreadEventBody


class ThreadEventBody(DapModel):
    reason: str
    threadId: int


class ThreadsRequest(Request):
    command: Literal["threads"] = "threads"


class ThreadsResponse(Response):
    body: ThreadsResponseBody


class ThreadsResponseBody(DapModel):
    threads: list[Thread]


class Variable(DapModel):
    name: str
    value: str
    type: str | None = None
    presentationHint: VariablePresentationHint | None = None
    evaluateName: str | None = None
    variablesReference: int
    namedVariables: int | None = None
    indexedVariables: int | None = None
    memoryReference: str | None = None


class VariablePresentationHint(DapModel):
    kind: str | None = None
    attributes: list[str] | None = None
    visibility: str | None = None
    lazy: bool | None = None


class VariablesArguments(DapModel):
    variablesReference: int
    filter: Literal["indexed", "named"] | None = None
    start: int | None = None
    count: int | None = None
    format: ValueFormat | None = None


class VariablesRequest(Request):
    command: Literal["variables"] = "variables"
    arguments: VariablesArguments


class VariablesResponse(Response):
    body: VariablesResponseBody


class VariablesResponseBody(DapModel):
    variables: list[Variable]


class WriteMemoryArguments(DapModel):
    memoryReference: str
    offset: int | None = None
    allowPartial: bool | None = None
    data: str


class WriteMemoryRequest(Request):
    command: Literal["writeMemory"] = "writeMemory"
    arguments: WriteMemoryArguments


class WriteMemoryResponse(Response):
    body: WriteMemoryResponseBody | None = None


class WriteMemoryResponseBody(DapModel):
    offset: int | None = None
    bytesWritten: int | None = None


REQUESTS: dict[str, type[Request]] = {
    "attach": AttachRequest,
    "breakpointLocations": BreakpointLocationsRequest,
    "cancel": CancelRequest,
    "completions": CompletionsRequest,
    "configurationDone": ConfigurationDoneRequest,
    "continue": ContinueRequest,
    "dataBreakpointInfo": DataBreakpointInfoRequest,
    "disassemble": DisassembleRequest,
    "disconnect": DisconnectRequest,
    "evaluate": EvaluateRequest,
    "exceptionInfo": ExceptionInfoRequest,
    "goto": GotoRequest,
    "gotoTargets": GotoTargetsRequest,
    "initialize": InitializeRequest,
    "launch": LaunchRequest,
    "loadedSources": LoadedSourcesRequest,
    "modules": ModulesRequest,
    "next": NextRequest,
    "pause": PauseRequest,
    "readMemory": ReadMemoryRequest,
    "restart": RestartRequest,
    "restartFrame": RestartFrameRequest,
    "reverseContinue": ReverseContinueRequest,
    "runInTerminal": RunInTerminalRequest,
    "scopes": ScopesRequest,
    "setBreakpoints": SetBreakpointsRequest,
    "setDataBreakpoints": SetDataBreakpointsRequest,
    "setExceptionBreakpoints": SetExceptionBreakpointsRequest,
    "setExpression": SetExpressionRequest,
    "setFunctionBreakpoints": SetFunctionBreakpointsRequest,
    "setInstructionBreakpoints": SetInstructionBreakpointsRequest,
    "setVariable": SetVariableRequest,
    "source": SourceRequest,
    "stackTrace": StackTraceRequest,
    "startDebugging": StartDebuggingRequest,
    "stepBack": StepBackRequest,
    "stepIn": StepInRequest,
    "stepInTargets": StepInTargetsRequest,
    "stepOut": StepOutRequest,
    "terminate": TerminateRequest,
    "terminateThreads": TerminateThreadsRequest,
    "threads": ThreadsRequest,
    "variables": VariablesRequest,
    "writeMemory": WriteMemoryRequest,
}

REQUEST_ARGUMENTS: dict[str, type[BaseModel]] = {
    "attach": AttachRequestArguments,
    "breakpointLocations": BreakpointLocationsArguments,
    "cancel": CancelArguments,
    "completions": CompletionsArguments,
    "configurationDone": ConfigurationDoneArguments,
    "continue": ContinueArguments,
    "dataBreakpointInfo": DataBreakpointInfoArguments,
    "disassemble": DisassembleArguments,
    "disconnect": DisconnectArguments,
    "evaluate": EvaluateArguments,
    "exceptionInfo": ExceptionInfoArguments,
    "goto": GotoArguments,
    "gotoTargets": GotoTargetsArguments,
    "initialize": InitializeRequestArguments,
    "launch": LaunchRequestArguments,
    "loadedSources": LoadedSourcesArguments,
    "modules": ModulesArguments,
    "next": NextArguments,
    "pause": PauseArguments,
    "readMemory": ReadMemoryArguments,
    "restart": RestartArguments,
    "restartFrame": RestartFrameArguments,
    "reverseContinue": ReverseContinueArguments,
    "runInTerminal": RunInTerminalRequestArguments,
    "scopes": ScopesArguments,
    "setBreakpoints": SetBreakpointsArguments,
    "setDataBreakpoints": SetDataBreakpointsArguments,
    "setExceptionBreakpoints": SetExceptionBreakpointsArguments,
    "setExpression": SetExpressionArguments,
    "setFunctionBreakpoints": SetFunctionBreakpointsArguments,
    "setInstructionBreakpoints": SetInstructionBreakpointsArguments,
    "setVariable": SetVariableArguments,
    "source": SourceArguments,
    "stackTrace": StackTraceArguments,
    "startDebugging": StartDebuggingRequestArguments,
    "stepBack": StepBackArguments,
    "stepIn": StepInArguments,
    "stepInTargets": StepInTargetsArguments,
    "stepOut": StepOutArguments,
    "terminate": TerminateArguments,
    "terminateThreads": TerminateThreadsArguments,
    "threads": EmptyArguments,
    "variables": VariablesArguments,
    "writeMemory": WriteMemoryArguments,
}

RESPONSES: dict[str, type[Response]] = {
    "attach": AttachResponse,
    "breakpointLocations": BreakpointLocationsResponse,
    "cancel": CancelResponse,
    "completions": CompletionsResponse,
    "configurationDone": ConfigurationDoneResponse,
    "continue": ContinueResponse,
    "dataBreakpointInfo": DataBreakpointInfoResponse,
    "disassemble": DisassembleResponse,
    "disconnect": DisconnectResponse,
    "evaluate": EvaluateResponse,
    "exceptionInfo": ExceptionInfoResponse,
    "goto": GotoResponse,
    "gotoTargets": GotoTargetsResponse,
    "initialize": InitializeResponse,
    "launch": LaunchResponse,
    "loadedSources": LoadedSourcesResponse,
    "modules": ModulesResponse,
    "next": NextResponse,
    "pause": PauseResponse,
    "readMemory": ReadMemoryResponse,
    "restart": RestartResponse,
    "restartFrame": RestartFrameResponse,
    "reverseContinue": ReverseContinueResponse,
    "runInTerminal": RunInTerminalResponse,
    "scopes": ScopesResponse,
    "setBreakpoints": SetBreakpointsResponse,
    "setDataBreakpoints": SetDataBreakpointsResponse,
    "setExceptionBreakpoints": SetExceptionBreakpointsResponse,
    "setExpression": SetExpressionResponse,
    "setFunctionBreakpoints": SetFunctionBreakpointsResponse,
    "setInstructionBreakpoints": SetInstructionBreakpointsResponse,
    "setVariable": SetVariableResponse,
    "source": SourceResponse,
    "stackTrace": StackTraceResponse,
    "startDebugging": StartDebuggingResponse,
    "stepBack": StepBackResponse,
    "stepIn": StepInResponse,
    "stepInTargets": StepInTargetsResponse,
    "stepOut": StepOutResponse,
    "terminate": TerminateResponse,
    "terminateThreads": TerminateThreadsResponse,
    "threads": ThreadsResponse,
    "variables": VariablesResponse,
    "writeMemory": WriteMemoryResponse,
}

RESPONSE_BODIES: dict[str, type[BaseModel]] = {
    "breakpointLocations": BreakpointLocationsResponseBody,
    "completions": CompletionsResponseBody,
    "continue": ContinueResponseBody,
    "dataBreakpointInfo": DataBreakpointInfoResponseBody,
    "disassemble": DisassembleResponseBody,
    "evaluate": EvaluateResponseBody,
    "exceptionInfo": ExceptionInfoResponseBody,
    "gotoTargets": GotoTargetsResponseBody,
    "initialize": Capabilities,
    "loadedSources": LoadedSourcesResponseBody,
    "modules": ModulesResponseBody,
    "readMemory": ReadMemoryResponseBody,
    "runInTerminal": RunInTerminalResponseBody,
    "scopes": ScopesResponseBody,
    "setBreakpoints": SetBreakpointsResponseBody,
    "setDataBreakpoints": SetDataBreakpointsResponseBody,
    "setExceptionBreakpoints": SetExceptionBreakpointsResponseBody,
    "setExpression": SetExpressionResponseBody,
    "setFunctionBreakpoints": SetFunctionBreakpointsResponseBody,
    "setInstructionBreakpoints": SetInstructionBreakpointsResponseBody,
    "setVariable": SetVariableResponseBody,
    "source": SourceResponseBody,
    "stackTrace": StackTraceResponseBody,
    "stepInTargets": StepInTargetsResponseBody,
    "threads": ThreadsResponseBody,
    "variables": VariablesResponseBody,
    "writeMemory": WriteMemoryResponseBody,
}

EVENTS: dict[str, type[Event]] = {
    "breakpoint": BreakpointEvent,
    "capabilities": CapabilitiesEvent,
    "continued": ContinuedEvent,
    "exited": ExitedEvent,
    "initialized": InitializedEvent,
    "invalidated": InvalidatedEvent,
    "loadedSource": LoadedSourceEvent,
    "memory": MemoryEvent,
    "module": ModuleEvent,
    "output": OutputEvent,
    "process": ProcessEvent,
    "progressEnd": ProgressEndEvent,
    "progressStart": ProgressStartEvent,
    "progressUpdate": ProgressUpdateEvent,
    "stopped": StoppedEvent,
    "terminated": TerminatedEvent,
    "thread": ThreadEvent,
}

EVENT_BODIES: dict[str, type[BaseModel]] = {
    "breakpoint": BreakpointEventBody,
    "capabilities": CapabilitiesEventBody,
    "continued": ContinuedEventBody,
    "exited": ExitedEventBody,
    "invalidated": InvalidatedEventBody,
    "loadedSource": LoadedSourceEventBody,
    "memory": MemoryEventBody,
    "module": ModuleEventBody,
    "output": OutputEventBody,
    "process": ProcessEventBody,
    "progressEnd": ProgressEndEventBody,
    "progressStart": ProgressStartEventBody,
    "progressUpdate": ProgressUpdateEventBody,
    "stopped": StoppedEventBody,
    "terminated": TerminatedEventBody,
    "thread": ThreadEventBody,
}


def dump(model: BaseModel) -> dict[str, Any]:
    # Wire names, JSON types, and no null placeholders for fields never set.
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)
