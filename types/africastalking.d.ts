// Local typings for africastalking@0.8 (it ships none, and the @types package on the registry does not
// match this version). Only what we use.
declare module 'africastalking' {
  export type SmsRecipient = {
    statusCode: number;
    number: string;
    status: string;
    cost?: string;
    messageId?: string;
  };
  export type SmsResponse = { SMSMessageData: { Message: string; Recipients: SmsRecipient[] } };
  export type SmsSendOptions = { to: string | string[]; message: string; from?: string; enqueue?: boolean };
  export type AfricasTalking = { SMS: { send(options: SmsSendOptions): Promise<SmsResponse> } };
  function africastalking(options: { apiKey: string; username: string; format?: string }): AfricasTalking;
  export = africastalking;
}

declare module 'africastalking/lib/common' {
  /** Read at each call: tests point it at a local fake AT server. */
  export let SMS_URL: string;
}
