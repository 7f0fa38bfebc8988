{{/* Chart name, at most 63 characters (a DNS label). */}}
{{- define "tcp-echo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name: <release>-<chart>, or just the release name when it already contains the chart name. */}}
{{- define "tcp-echo.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tcp-echo.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tcp-echo.labels" -}}
{{ include "tcp-echo.selectorLabels" . }}
{{ include "tcp-echo.commonLabels" . }}
{{- end }}

{{/* Labels of the helm-test pod: not selected by the Service, the Deployment or the PodDisruptionBudget. */}}
{{- define "tcp-echo.testLabels" -}}
{{ include "tcp-echo.testSelectorLabels" . }}
{{ include "tcp-echo.commonLabels" . }}
{{- end }}

{{- define "tcp-echo.commonLabels" -}}
helm.sh/chart: {{ include "tcp-echo.chart" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tcp-echo
{{- end }}

{{/* Selects the server pods. */}}
{{- define "tcp-echo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tcp-echo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{- define "tcp-echo.testSelectorLabels" -}}
app.kubernetes.io/name: {{ include "tcp-echo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: helm-test
{{- end }}

{{- define "tcp-echo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tcp-echo.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tcp-echo.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
How the image starts the service: exactly the Dockerfile's ENTRYPOINT (a test keeps them equal).
The Deployment runs it as is and the helm-test pod appends `client ...` to it.
*/}}
{{- define "tcp-echo.command" -}}
- java
- -jar
- /app/tcp-echo.jar
{{- end }}

{{/* The image's WORKDIR; Spring Boot reads ./config/application.yml from here, where the ConfigMap is mounted. */}}
{{- define "tcp-echo.workdir" -}}
/app
{{- end }}

{{/* Container ports come from the rendered application.yml, so the two can't drift apart. */}}
{{- define "tcp-echo.tcpPort" -}}
{{- int .Values.config.echo.tcp.port }}
{{- end }}

{{- define "tcp-echo.httpPort" -}}
{{- int .Values.config.server.port }}
{{- end }}

{{/* Actuator's base path (management.endpoints.web.base-path), /actuator unless config overrides it. */}}
{{- define "tcp-echo.actuatorPath" -}}
{{- dig "management" "endpoints" "web" "base-path" "/actuator" .Values.config | trimSuffix "/" }}
{{- end }}

{{/*
Seconds in a Spring Boot duration ("20s", "500ms", "1m", "PT30S", or a bare number of milliseconds), rounded up.
Called with (list <value> <key name for the error message>).
*/}}
{{- define "tcp-echo.durationSeconds" -}}
{{- $raw := index . 0 | toString | trim }}
{{- $key := index . 1 }}
{{- $iso := regexFindAll "^[pP][tT]([0-9]+)([sSmMhH])$" $raw 1 }}
{{- $value := 0 }}
{{- $unit := "" }}
{{- if $iso }}
{{- $value = regexReplaceAll "^[pP][tT]([0-9]+)[sSmMhH]$" $raw "${1}" | atoi }}
{{- $unit = regexReplaceAll "^[pP][tT][0-9]+([sSmMhH])$" $raw "${1}" | lower }}
{{- else if regexMatch "^[0-9]+(ns|us|ms|s|m|h|d)?$" $raw }}
{{- $value = regexReplaceAll "^([0-9]+)[a-z]*$" $raw "${1}" | atoi }}
{{- $unit = regexReplaceAll "^[0-9]+([a-z]*)$" $raw "${1}" | default "ms" }}
{{- else }}
{{- fail (printf "%s: %q is not a duration the chart can read; use a number and a unit, e.g. 20s or 500ms" $key $raw) }}
{{- end }}
{{- $nanos := dict "ns" 1 "us" 1000 "ms" 1000000 "s" 1000000000 "m" 60000000000 "h" 3600000000000 "d" 86400000000000 }}
{{- $perSecond := 1000000000 }}
{{- div (add (mul $value (get $nanos $unit)) (sub $perSecond 1)) $perSecond }}
{{- end }}

{{/* Grace period: computed, or the configured one checked against the drain it must cover. */}}
{{- define "tcp-echo.terminationGracePeriodSeconds" -}}
{{- $drain := include "tcp-echo.durationSeconds" (list (index .Values.config.echo.tcp.shutdown "drain-timeout") "config.echo.tcp.shutdown.drain-timeout") | int }}
{{- $phase := include "tcp-echo.durationSeconds" (list (dig "spring" "lifecycle" "timeout-per-shutdown-phase" "30s" .Values.config) "config.spring.lifecycle.timeout-per-shutdown-phase") | int }}
{{- $preStop := int .Values.preStopSleepSeconds }}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds }}
{{- add $preStop (max $drain $phase) 10 }}
{{- else }}
{{- $grace := int .Values.terminationGracePeriodSeconds }}
{{- if le $grace (add $preStop $drain) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed preStopSleepSeconds (%d) + config.echo.tcp.shutdown.drain-timeout (%ds), or pods are killed before their connections drain" $grace $preStop $drain) }}
{{- end }}
{{- $grace }}
{{- end }}
{{- end }}

{{/*
The application.yml the pods read: .Values.config as is, plus the TLS bundle when tls.enabled.
*/}}
{{- define "tcp-echo.applicationConfig" -}}
{{- $config := deepCopy .Values.config }}
{{- if .Values.tls.enabled }}
{{- $dir := .Values.tls.mountPath | trimSuffix "/" }}
{{- $bundle := dict "keystore" (dict "certificate" (printf "file:%s/tls.crt" $dir) "private-key" (printf "file:%s/tls.key" $dir)) "reload-on-update" .Values.tls.reloadOnUpdate }}
{{- $tls := dict "echo" (dict "tcp" (dict "ssl" (dict "bundle" .Values.tls.bundleName))) "spring" (dict "ssl" (dict "bundle" (dict "pem" (dict .Values.tls.bundleName $bundle)))) }}
{{- $config = mustMergeOverwrite $config $tls }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/* Checks across values that the schema can't express. */}}
{{- define "tcp-echo.validate" -}}
{{- if eq (include "tcp-echo.tcpPort" .) (include "tcp-echo.httpPort" .) }}
{{- fail (printf "config.echo.tcp.port and config.server.port are both %s; the echo and HTTP listeners need different ports" (include "tcp-echo.tcpPort" .)) }}
{{- end }}
{{- if and .Values.helmTest.enabled (eq (toString .Values.helmTest.message) (toString (index .Values.config.echo.tcp "quit-command"))) }}
{{- fail "helmTest.message equals config.echo.tcp.quit-command: the server would close the connection instead of echoing" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail (printf "autoscaling.minReplicas (%d) exceeds autoscaling.maxReplicas (%d)" (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- end }}
{{- end }}
